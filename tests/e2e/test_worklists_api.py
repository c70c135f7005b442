"""The work lists as partners use them, against the running stack: each partner reads the lists its records
close (a 403 for another's, a 404 for an unknown one), every read audited; the board report counts the overdue."""

import asyncio
import time
import uuid
from datetime import timedelta

import asyncpg
import httpx
import pytest

from backbone.clock import today
from devstack.partners import Partner

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def partners(stack):
    made = {"case": Partner(stack.url("placements"), "case-system"),
            "health": Partner(stack.url("indicators"), "health-provider"),
            "school": Partner(stack.url("indicators"), "virtual-school"),
            "analyst": Partner(stack.url("indicators"), "performance-team", timeout=60)}
    yield made
    for partner in made.values():
        partner.close()


def audited(stack, resource: str) -> list[tuple]:
    async def run():
        connection = await asyncpg.connect(stack.database_urls["indicators"])
        try:
            return await connection.fetch("SELECT client_id, action, purpose, outcome FROM audit_log WHERE resource = $1",
                                          resource)
        finally:
            await connection.close()

    return [tuple(row) for row in asyncio.run(run())]


def test_the_health_provider_lists_the_overdue_ihas_and_the_read_is_audited(stack, partners):
    child = f"T-{uuid.uuid4().hex[:12]}"
    # In care for 60 days with no IHA recorded: 20 working days are past, whatever the bank holidays.
    entered = today() - timedelta(days=60)
    partners["case"].post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2015-04-01",
                                                                 "start_date": entered.isoformat(), "legal_status": "C2"})
    deadline = time.monotonic() + 15
    while True:  # until the indicators service has consumed the period of care
        response = partners["health"].get("/worklists/iha_due", purpose="IHA booking")
        assert response.status_code == 200, response.text
        rows = {r["child_id"]: r for r in response.json()["children"]}
        if child in rows or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    row = rows[child]
    assert row["overdue"] is True and row["days_left"] < 0
    assert row["reason"] == f"looked after since {entered.isoformat()}, no IHA recorded"
    assert response.json()["as_of"] == today().isoformat()
    assert ("health-provider", "read", "IHA booking", "ok") in audited(stack, f"worklist:iha_due:{today().isoformat()}")
    # Due within 0 days: today's and the overdue only, so this child still.
    assert child in {r["child_id"] for r in partners["health"].get(
        "/worklists/iha_due", purpose="IHA booking", due_within=0).json()["children"]}


def test_each_partner_sees_only_the_lists_its_records_close(partners):
    assert [w["id"] for w in partners["health"].get("/worklists").json()] == ["iha_due"]
    assert [w["id"] for w in partners["school"].get("/worklists").json()] == ["initial_pep_due"]
    assert partners["school"].get("/worklists/iha_due", purpose="curious").status_code == 403
    assert partners["school"].get("/worklists/initial_pep_due", purpose="PEP planning").status_code == 200
    # The performance team holds no work list's scope: refused both.
    assert partners["analyst"].get("/worklists").status_code == 403
    assert partners["analyst"].get("/worklists/iha_due", purpose="curious").status_code == 403


@pytest.mark.parametrize("path, params, purpose, status, field", [
    ("/worklists/no_such_list", {}, "checking", 404, None),
    ("/worklists/iha_due", {}, None, 422, "X-Purpose"),
    ("/worklists/iha_due", {"due_within": -1}, "checking", 422, "due_within"),
    ("/worklists/iha_due", {"due_within": "soon"}, "checking", 422, "due_within"),
    ("/worklists/iha_due", {"as_of": (today() + timedelta(days=1)).isoformat()}, "checking", 422, "as_of"),
])
def test_bad_requests_are_refused_naming_the_field(partners, path, params, purpose, status, field):
    response = partners["health"].get(path, purpose=purpose, **params)
    assert response.status_code == status, response.text
    if field:
        assert field in response.text


def test_without_credentials_a_work_list_is_a_401(stack):
    assert httpx.get(f"{stack.url('indicators')}/worklists/iha_due").status_code == 401


def test_the_board_report_counts_the_overdue_on_each_list(partners):
    page = partners["analyst"].get("/reports/board", month=today().strftime("%Y-%m")).text
    for list_id in ("iha_due", "initial_pep_due", "reviews_due", "visits_due"):
        assert f'data-worklist="{list_id}"' in page, list_id
    # The count is the list's overdue rows (the first test left at least one overdue IHA).
    overdue = sum(r["overdue"] for r in partners["health"].get("/worklists/iha_due", purpose="board check").json()["children"])
    assert overdue >= 1
    assert f'<tr data-worklist="iha_due"><td>Initial health assessments due or overdue</td><td class="num">{overdue:,}</td>' in page
