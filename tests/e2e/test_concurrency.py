"""Concurrent requests cannot create states the rules forbid, nor turn a twin retry into an error."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import asyncpg
import pytest

from backbone.clock import today
from devstack.infra import run_blocking
from devstack.partners import Partner

pytestmark = pytest.mark.integration
TODAY = today()


def query(stack, sql: str, *args):
    async def run():
        connection = await asyncpg.connect(stack.database_urls["placements"])
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()
    return run_blocking(run())


def at_once(stack, requests: list[tuple[str, dict, str]]) -> list:
    """POST every (path, body, key) to placements at the same moment, each on its own connection."""
    def post(request):
        path, body, key = request
        partner = Partner(stack.url("placements"), "case-system")
        try:
            return partner.post(path, body, key=key)
        finally:
            partner.close()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(post, requests))


def test_eight_concurrent_entries_into_care_leave_one_open_period(stack):
    child = f"RACE-{uuid.uuid4().hex[:8]}"
    case = Partner(stack.url("placements"), "case-system")
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-01-01",
                          "start_date": (TODAY - timedelta(days=300)).isoformat(), "legal_status": "C2"})
    case.post_ok(f"/children/{child}/care-periods/{period['care_period_id']}/end",
                 {"end_date": (TODAY - timedelta(days=100)).isoformat(), "reason_ceased": "E13"})
    case.close()
    body = {"date_of_birth": "2012-01-01", "start_date": (TODAY - timedelta(days=20)).isoformat(), "legal_status": "C2"}
    answers = at_once(stack, [(f"/children/{child}/care-periods", body, f"{child}-entry-{n}") for n in range(8)])
    assert sorted(a.status_code for a in answers) == [201] + [422] * 7, [a.text for a in answers]
    assert query(stack, "SELECT count(*) FROM care_periods WHERE child_id = $1 AND end_date IS NULL", child)[0][0] == 1


def test_eight_identical_requests_at_once_all_get_the_first_answer(stack):
    child = f"TWIN-{uuid.uuid4().hex[:8]}"
    body = {"date_of_birth": "2013-01-01", "start_date": (TODAY - timedelta(days=20)).isoformat(), "legal_status": "C2"}
    answers = at_once(stack, [(f"/children/{child}/care-periods", body, f"{child}-entry")] * 8)
    assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers]
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1  # one record, one answer, eight times
    assert query(stack, "SELECT count(*) FROM care_periods WHERE child_id = $1", child)[0][0] == 1


def test_eight_concurrent_placements_leave_one_open_placement(stack):
    child = f"MOVE-{uuid.uuid4().hex[:8]}"
    case = Partner(stack.url("placements"), "case-system")
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-01-01",
                 "start_date": (TODAY - timedelta(days=200)).isoformat(), "legal_status": "C2"})
    case.close()
    answers = at_once(stack, [
        (f"/children/{child}/placements", {"start_date": (TODAY - timedelta(days=100 - n)).isoformat(),
                                           "placement_type": "U4", "carer_id": f"CARER-{n}"}, f"{child}-move-{n}")
        for n in range(8)
    ])
    assert all(a.status_code in (201, 422) for a in answers), [a.text for a in answers]
    assert query(stack, "SELECT count(*) FROM placements WHERE child_id = $1 AND end_date IS NULL", child)[0][0] == 1
    versions = query(stack, "SELECT record_version FROM placements WHERE child_id = $1", child)
    assert all(v[0] in (1, 2) for v in versions)  # each placement started, and ended at most once


def test_the_database_itself_refuses_a_second_open_period_or_placement(stack):
    child = f"DB-{uuid.uuid4().hex[:8]}"
    case = Partner(stack.url("placements"), "case-system")
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-01-01",
                          "start_date": (TODAY - timedelta(days=50)).isoformat(), "legal_status": "C2"})
    case.post_ok(f"/children/{child}/placements", {"start_date": (TODAY - timedelta(days=50)).isoformat(), "placement_type": "U4"})
    case.close()
    with pytest.raises(asyncpg.UniqueViolationError, match="one_open_care_period_per_child"):
        query(stack, "INSERT INTO care_periods (care_period_id, child_id, start_date, legal_status, record_version) "
                     "VALUES ($1, $2, $3, 'C2', 1)", str(uuid.uuid4()), child, TODAY)
    with pytest.raises(asyncpg.UniqueViolationError, match="one_open_placement_per_child"):
        query(stack, "INSERT INTO placements (placement_id, care_period_id, child_id, start_date, placement_type, record_version) "
                     "VALUES ($1, $2, $3, $4, 'U1', 1)", str(uuid.uuid4()), period["care_period_id"], child, TODAY)


def test_ids_and_dates_that_cannot_be_stored_or_computed_are_422s(stack):
    case = Partner(stack.url("placements"), "case-system")
    ended = case.post("/children/C1/placements/bad%00id/end", {"end_date": "2025-01-01"})
    assert ended.status_code == 422 and ended.json()["detail"][0]["loc"] == ["path", "placement_id"]
    case.close()
    kpis = Partner(stack.url("indicators"), "performance-team")
    for as_of in ["0001-01-01", "0002-06-30", "9999-12-31"]:
        assert kpis.get("/kpis", as_of=as_of).status_code == 422, as_of
    kpis.close()


def test_the_same_record_sent_again_under_new_keys_is_one_record_and_409s_naming_it(stack):
    """Issue 19 item 7: the same placement (child, start date, carer, type) posted 16 times at once, each under
    its own Idempotency-Key, is stored once; the 15 others are 409s naming it. So are a leaving-care status and
    an adviser allocation sent again, and through /bulk too; a different carer the same day is another placement."""
    child = f"SAME-{uuid.uuid4().hex[:8]}"
    case = Partner(stack.url("placements"), "case-system")
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2008-01-01",
                 "start_date": (TODAY - timedelta(days=200)).isoformat(), "legal_status": "C2"})
    placement = {"start_date": (TODAY - timedelta(days=100)).isoformat(), "placement_type": "U4", "carer_id": "CARER-7"}
    answers = at_once(stack, [(f"/children/{child}/placements", placement, f"{child}-pl-{n}") for n in range(16)])
    assert sorted(a.status_code for a in answers) == [201] + [409] * 15, [a.text for a in answers]
    stored = next(a.json() for a in answers if a.status_code == 201)
    assert all(stored["placement_id"] in a.json()["detail"][0]["msg"] for a in answers if a.status_code == 409)
    rows = query(stack, "SELECT placement_id, end_date, record_version FROM placements WHERE child_id = $1", child)
    assert [tuple(r) for r in rows] == [(stored["placement_id"], None, 1)]  # the first was not ended by its twins
    bulk = case.http.post("/bulk", json=[{"key": f"{child}-bulk", "command": "record-placement", "child_id": child,
                                          "record": placement}]).json()
    assert (bulk[0]["outcome"], bulk[0]["status"]) == ("rejected", 409) and stored["placement_id"] in bulk[0]["error"]["reason"]
    assert case.post(f"/children/{child}/placements", {**placement, "carer_id": "CARER-8"}).status_code == 201
    case.close()

    leaving = Partner(stack.url("leaving_care"), "leaving-care-team")
    for path, body in (("leaving-care-status", {"status": "relevant", "effective_date": TODAY.isoformat()}),
                       ("adviser-allocations", {"role": "personal_adviser", "start_date": TODAY.isoformat()})):
        first = leaving.post_ok(f"/children/{child}/{path}", body)
        again = leaving.post(f"/children/{child}/{path}", body)
        assert again.status_code == 409 and next(v for k, v in first.items() if k.endswith("_id") and k != "child_id") \
            in again.json()["detail"][0]["msg"], again.text
    leaving.close()
