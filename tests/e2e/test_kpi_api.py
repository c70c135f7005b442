"""The KPI API as the performance team and a service manager use it, against the running stack: figures,
the children behind them (drill-down scope, audited), month-end history, and bad input."""

import asyncio
import time
import uuid
from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from backbone.clock import today
from devstack.partners import Partner

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def people(stack):
    made = {"case": Partner(stack.url("placements"), "case-system"),
            "analyst": Partner(stack.url("indicators"), "performance-team"),
            "manager": Partner(stack.url("indicators"), "service-manager")}
    yield made
    for partner in made.values():
        partner.close()


def query(stack, sql: str, *args):
    async def run():
        connection = await asyncpg.connect(stack.database_urls["indicators"])
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()

    return asyncio.run(run())


def test_the_children_behind_a_figure_are_listed_for_a_manager_and_the_look_is_audited(stack, people):
    child = f"T-{uuid.uuid4().hex[:12]}"
    entered = today() - timedelta(days=400)
    people["case"].post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2013-04-01",
                                                               "start_date": entered.isoformat(), "legal_status": "C2"})
    # Three placements with different carers in the last 12 months.
    for n, days_ago in enumerate([300, 200, 100]):
        people["case"].post_ok(f"/children/{child}/placements", {
            "start_date": (today() - timedelta(days=days_ago)).isoformat(), "placement_type": "U4",
            "provider": "PR1", "carer_id": f"carer-{child}-{n}"})
    deadline = time.monotonic() + 10
    while True:
        response = people["manager"].get("/kpis/placement_stability_3plus/children", purpose="placement stability panel")
        assert response.status_code == 200, response.text
        rows = {r["child_id"]: r for r in response.json()}
        if (child in rows and rows[child]["in_numerator"]) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows[child] == {"child_id": child, "in_denominator": True, "in_numerator": True,
                           "reason": "3 placements in the 12 months"}
    figure = people["manager"].get("/kpis/placement_stability_3plus").json()
    assert figure["numerator"] == sum(r["in_numerator"] for r in rows.values())
    assert figure["denominator"] == len(rows)

    audited = query(stack, "SELECT client_id, action, resource, purpose, outcome, child_ids FROM audit_log "
                           "WHERE resource = $1 AND $2 = ANY(child_ids)",
                    f"kpi-children:placement_stability_3plus:{today().isoformat()}", child)
    assert ("service-manager", "read", "placement stability panel", "ok") in [
        (a["client_id"], a["action"], a["purpose"], a["outcome"]) for a in audited]
    # The row says which children the answer disclosed: every one of them, so a search for any finds it.
    assert sorted(rows) in [a["child_ids"] for a in audited]


def test_the_drill_down_needs_its_own_scope_and_a_purpose_and_a_refused_one_is_audited(stack, people):
    purpose = f"curious {uuid.uuid4().hex[:8]}"
    assert people["analyst"].get("/kpis/cla_count/children", purpose=purpose).status_code == 403
    missing = people["manager"].get("/kpis/cla_count/children")
    assert missing.status_code == 422 and "X-Purpose" in missing.text
    before = refused_without_credential(stack)
    assert httpx.get(f"{stack.url('indicators')}/kpis/cla_count/children").status_code == 401
    refused = query(stack, "SELECT client_id, action, resource, outcome, child_id FROM audit_log WHERE purpose = $1", purpose)
    assert [tuple(r) for r in refused] == [("performance-team", "read", "/kpis/{kpi_id}/children", "403", None)]
    assert query(stack, "SELECT count(*) FROM audit_log WHERE client_id = 'service-manager' AND outcome = '422' "
                        "AND resource = '/kpis/{kpi_id}/children'")[0][0] >= 1
    # Without a credential: counted per source and minute, not audited row by row.
    assert refused_without_credential(stack) == before + 1


def refused_without_credential(stack) -> int:
    return query(stack, "SELECT coalesce(sum(attempts), 0) FROM refused_attempts WHERE resource = '/kpis/{kpi_id}/children'"
                        " AND status = 401")[0][0]


@pytest.mark.parametrize("path, params, status, field", [
    ("/kpis/no_such_kpi", {}, 404, None),
    ("/kpis/no_such_kpi/history", {}, 404, None),
    ("/kpis/cla_count", {"as_of": "2025-02-30"}, 422, "as_of"),
    ("/kpis/cla_count", {"as_of": "yesterday"}, 422, "as_of"),
    ("/kpis/cla_count", {"as_of": (today() + timedelta(days=1)).isoformat()}, 422, "as_of"),
    ("/kpis", {"as_of": "0002-01-01"}, 422, "as_of"),
    ("/kpis/cla_count/history", {"from": "2025-06-01", "to": "2025-01-01"}, 422, "from"),
    ("/kpis/cla_count/history", {"to": (today() + timedelta(days=40)).isoformat()}, 422, "to"),
])
def test_bad_input_is_refused_with_the_field_and_never_a_500(people, path, params, status, field):
    response = people["analyst"].get(path, **params)
    assert response.status_code == status, response.text
    if field:
        assert field in str(response.json()["detail"][0]["loc"])
    assert "no_such_kpi" not in response.text  # the input is not echoed


def test_history_holds_month_end_values_without_a_manual_step(people):
    # Recomputed a moment after events arrive: wait until the latest month-end agrees with the live figure.
    deadline = time.monotonic() + 30
    while True:
        history = people["analyst"].get("/kpis/cla_count/history", **{"from": "2020-01-01"}).json()
        latest = history["months"][-1] if history["months"] else None
        live = latest and people["analyst"].get("/kpis/cla_count", as_of=latest["month_end"]).json()
        if (latest and latest["value"] == live["value"]) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert history["id"] == "cla_count" and latest, history
    assert latest["value"] == live["value"] and latest["numerator"] == live["numerator"]
    month_end = date.fromisoformat(latest["month_end"])
    assert month_end < today() and (month_end + timedelta(days=1)).day == 1


def test_a_school_day_kpi_as_of_a_date_the_school_calendar_does_not_cover_is_a_422_naming_it(people):
    # As of 31 December 2020, pep_initial_on_time would count school days from 3 September 2019, a day before
    # the shipped term dates begin: refused, never an empty figure. (Past their end is the future today.)
    for path in ("/kpis/pep_initial_on_time", "/kpis/pep_initial_on_time/children"):
        response = people["manager"].get(path, purpose="test: outside the school calendar", as_of="2020-12-31")
        assert response.status_code == 422, response.text
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["query", "as_of"] and "term_dates.toml" in detail["msg"] and "2019-09-04" in detail["msg"]
    # Every KPI at once: the others have their figures, this one its gap and no figure.
    kpis = {k["id"]: k for k in people["analyst"].get("/kpis", as_of="2020-12-31").json()}
    assert kpis["pep_initial_on_time"]["value"] is None and "term_dates.toml" in kpis["pep_initial_on_time"]["gap"]
    assert "gap" not in kpis["iha_within_20_working_days"]
    assert people["analyst"].get("/kpis/pep_initial_on_time", as_of="2021-01-31").status_code == 200
