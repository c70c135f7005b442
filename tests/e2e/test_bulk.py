"""Bulk, as a case system catching up would send it: a result per record, one child's records together or
not at all, a re-sent batch changing nothing, the same rules as single requests."""

import json
import time
import uuid

import httpx
import pytest

from devstack.partners import DEV_TOKENS

pytestmark = pytest.mark.integration


def send(stack, records, ndjson=False) -> httpx.Response:
    headers = {"Authorization": f"Bearer {DEV_TOKENS['case-system']}"}
    if ndjson:
        headers["Content-Type"] = "application/x-ndjson"
        return httpx.post(f"{stack.url('placements')}/bulk", content="\n".join(json.dumps(r) for r in records),
                          headers=headers, timeout=30)
    return httpx.post(f"{stack.url('placements')}/bulk", json=records, headers=headers, timeout=30)


def child_record(stack, child):
    headers = {"Authorization": f"Bearer {DEV_TOKENS['case-system']}", "X-Purpose": "bulk test"}
    return httpx.get(f"{stack.url('placements')}/children/{child}", headers=headers)


def test_a_batch_applies_each_childs_records_together_and_a_resend_changes_nothing(stack):
    good, bad = f"T-{uuid.uuid4().hex[:10]}", f"T-{uuid.uuid4().hex[:10]}"
    batch = [
        {"key": f"{good}-1", "command": "enter-care", "child_id": good,
         "record": {"date_of_birth": "2013-02-01", "start_date": "2025-01-06", "legal_status": "C2"}},
        {"key": f"{bad}-1", "command": "enter-care", "child_id": bad,
         "record": {"date_of_birth": "2013-02-01", "start_date": "2025-01-06", "legal_status": "C2"}},
        {"key": f"{good}-2", "command": "start-placement", "child_id": good,
         "record": {"start_date": "2025-01-06", "placement_type": "U4", "carer_id": "K-1"}},
        {"key": f"{bad}-2", "command": "start-placement", "child_id": bad,  # before the period began: refused
         "record": {"start_date": "2024-12-01", "placement_type": "U4"}},
    ]
    first = send(stack, batch)
    assert first.status_code == 200, first.text
    outcomes = [(r["index"], r["outcome"]) for r in first.json()]
    assert outcomes == [(0, "created"), (1, "not applied"), (2, "created"), (3, "rejected")]
    # Applied in date order: the placement dated before the period comes first, when no period is recorded yet.
    assert first.json()[3]["error"]["field"] == "child_id" and "no period of care is recorded" in first.json()[3]["error"]["reason"]
    assert child_record(stack, bad).status_code == 422  # nothing of the refused child was stored
    assert len(child_record(stack, good).json()["placements"]) == 1

    again = send(stack, batch[:1] + batch[2:3], ndjson=True)  # the same records re-sent, as NDJSON
    assert [r["outcome"] for r in again.json()] == ["unchanged", "unchanged"]
    assert again.json()[0]["record"] == first.json()[0]["record"]
    assert len(child_record(stack, good).json()["placements"]) == 1


def test_malformed_batches_are_refused_whole_with_the_field(stack):
    child = f"T-{uuid.uuid4().hex[:10]}"
    unknown = send(stack, [{"key": f"{child}-1", "command": "adopt", "child_id": child, "record": {}}])
    assert unknown.status_code == 422 and "command" in json.dumps(unknown.json())
    nhs = send(stack, [{"key": f"{child}-1", "command": "enter-care", "child_id": "9434765919", "record": {}}])
    assert nhs.status_code == 422 and "NHS number" in nhs.text and "9434765919" not in nhs.text
    wrong_record = send(stack, [{"key": f"{child}-1", "command": "enter-care", "child_id": child,
                                 "record": {"date_of_birth": "2013-02-01", "start_date": "2025-01-06",
                                            "legal_status": "C2", "name": "not allowed"}}])
    assert wrong_record.status_code == 200 and wrong_record.json()[0]["outcome"] == "rejected"
    assert wrong_record.json()[0]["error"]["field"] == "name"


@pytest.mark.parametrize("service, partner, command, record", [
    ("health", "health-provider", "initial-health-assessment", {"completed_date": "2025-01-20"}),
    ("education", "virtual-school", "virtual-school-notified", {"notified_date": "2025-01-07"}),
    ("leaving_care", "leaving-care-team", "allocate-adviser", {"role": "personal_adviser", "start_date": "2025-01-07"}),
])
def test_every_domain_service_takes_bulk_through_its_commands(stack, service, partner, command, record):
    known, unknown = f"T-{uuid.uuid4().hex[:10]}", f"T-{uuid.uuid4().hex[:10]}"
    case = {"Authorization": f"Bearer {DEV_TOKENS['case-system']}", "Idempotency-Key": str(uuid.uuid4())}
    assert httpx.post(f"{stack.url('placements')}/children/{known}/care-periods", headers=case, json={
        "date_of_birth": "2008-02-01", "start_date": "2025-01-06", "legal_status": "C2"}).status_code == 201
    headers = {"Authorization": f"Bearer {DEV_TOKENS[partner]}"}
    batch = [{"key": f"{known}-1", "command": command, "child_id": known, "record": record},
             {"key": f"{unknown}-1", "command": command, "child_id": unknown, "record": record}]
    for _ in range(100):  # the service learns the new child from the placements topic within moments
        answer = httpx.post(f"{stack.url(service)}/bulk", json=batch, headers=headers, timeout=30).json()
        if answer[0]["outcome"] != "retry":
            break
        time.sleep(0.1)
    # The known child's record is created (or, on a later pass, unchanged); the unknown one: retry later.
    assert answer[0]["outcome"] in ("created", "unchanged") and answer[0]["status"] == 201, answer
    assert (answer[1]["outcome"], answer[1]["status"]) == ("retry", 503)


def test_a_refused_batch_is_audited(stack):
    """A /bulk request refused whole (a client without the scope, a malformed batch) is an attempt at children's
    records: audited with who and the answer, as a refused single request is."""
    purpose = f"bulk refusal {uuid.uuid4().hex[:8]}"
    batch = [{"key": "k-1", "command": "enter-care", "child_id": "T-REFUSED", "record": {}}]
    health = {"Authorization": f"Bearer {DEV_TOKENS['health-provider']}", "X-Purpose": purpose}
    assert httpx.post(f"{stack.url('placements')}/bulk", json=batch, headers=health).status_code == 403
    case = {"Authorization": f"Bearer {DEV_TOKENS['case-system']}", "X-Purpose": purpose}
    assert httpx.post(f"{stack.url('placements')}/bulk", content=b"[{", headers=case).status_code in (400, 422)
    rows = stack.query("placements", "SELECT client_id, action, resource, outcome FROM audit_log WHERE purpose = $1 "
                                      "ORDER BY id", purpose)
    assert [tuple(r)[:3] for r in rows] == [("health-provider", "write", "/bulk"), ("case-system", "write", "/bulk")]
    assert rows[0]["outcome"] == "403" and rows[1]["outcome"] in ("400", "422")
