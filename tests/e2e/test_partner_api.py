"""What partners get for bad input, retries and missing credentials; what is audited; replay."""

import asyncio
import subprocess
import sys
import uuid
from datetime import timedelta

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from backbone.clock import today
from backbone.events import from_kafka_record
from devstack.partners import Partner
from devstack.services import SERVICES

pytestmark = pytest.mark.integration
TODAY = today()


@pytest.fixture(scope="module")
def case(stack):
    partner = Partner(stack.url("placements"), "case-system")
    yield partner
    partner.close()


def stored_for(stack, child: str) -> tuple[int, int]:
    """(care periods + placements, outbox events) stored by the placements service for a child."""
    records = stack.query("placements",
                    "SELECT (SELECT count(*) FROM care_periods WHERE child_id = $1) + (SELECT count(*) FROM placements WHERE child_id = $1)",
                    child)[0][0]
    events = stack.query("placements", "SELECT count(*) FROM outbox WHERE subject = $1", child)[0][0]
    return records, events


def child_in_care(case) -> str:
    child = f"T-{uuid.uuid4().hex[:12]}"
    case.post_ok(f"/children/{child}/care-periods",
                 {"date_of_birth": "2014-02-01", "start_date": (TODAY - timedelta(days=100)).isoformat(), "legal_status": "C2"})
    return child


@pytest.mark.parametrize("body, field, reason", [
    ({"start_date": "2020-01-01", "placement_type": "U9"}, "placement_type", "Input should be"),
    ({"start_date": "2020-02-30", "placement_type": "U1"}, "start_date", "valid date"),
    ({"start_date": "2999-01-01", "placement_type": "U1"}, "start_date", "is in the future"),
    ({"start_date": "2001-01-01", "placement_type": "U1"}, "start_date", "before the period of care started"),
    ({"placement_type": "U1"}, "start_date", "Field required"),
    ({"start_date": "2020-01-01", "placement_type": "U1", "child_name": "Jane"}, "child_name", "Extra inputs are not permitted"),
    ({"start_date": "2020-01-01", "placement_type": "U1", "carer_id": "C" * 65}, "carer_id", "at most 64 characters"),
    ({"start_date": "2020-01-01", "placement_type": "U1", "carer_id": "Mrs Jane Smith"}, "carer_id", "should match pattern"),
])
def test_bad_input_names_the_field_and_reason_and_stores_nothing(stack, case, body, field, reason):
    child = child_in_care(case)
    stored_before = stored_for(stack, child)
    response = case.post(f"/children/{child}/placements", body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field and reason in detail["msg"], detail
    assert stored_for(stack, child) == stored_before


def test_malformed_json_is_refused(stack, case):
    child = child_in_care(case)
    response = case.http.post(f"/children/{child}/placements", content=b'{"start_date": ', headers={
        "Idempotency-Key": str(uuid.uuid4()), "content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "json_invalid"


def test_end_before_start_and_before_birth_are_refused(stack, case):
    child = f"T-{uuid.uuid4().hex[:12]}"
    response = case.post(f"/children/{child}/care-periods",
                         {"date_of_birth": "2015-01-01", "start_date": "2014-12-31", "legal_status": "C2"})
    assert response.status_code == 422 and "before the child's date of birth" in response.json()["detail"][0]["msg"]
    child = child_in_care(case)
    period = case.get(f"/children/{child}", purpose="test: find the period of care").json()["care_periods"][0]
    response = case.post(f"/children/{child}/care-periods/{period['care_period_id']}/end",
                         {"end_date": "2001-01-01", "reason_ceased": "E13"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "end_date"]


def test_unknown_child_is_refused_by_placements_and_deferred_by_the_services_that_learn_children(stack):
    """Placements records children: an unknown one is final (422). Health, education and leaving care learn
    children from placements' events, so for them it may only not have arrived yet: 503 with Retry-After, never
    a final 4xx that would invite a partner to drop the record; nothing is stored, and the same request (same
    Idempotency-Key) succeeds once the child has arrived."""
    child = f"T-unknown-{uuid.uuid4().hex[:8]}"
    case = Partner(stack.url("placements"), "case-system")
    response = case.post(f"/children/{child}/placements", {"start_date": "2024-01-01", "placement_type": "U1"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "child_id"]
    assert "unknown child" in response.json()["detail"][0]["msg"]
    posts = [
        ("health", "health-provider", f"/children/{child}/initial-health-assessments", {"completed_date": "2024-03-01"}),
        ("education", "virtual-school", f"/children/{child}/virtual-school-notifications", {"notified_date": "2024-01-02"}),
        ("leaving_care", "leaving-care-team", f"/children/{child}/adviser-allocations", {"role": "personal_adviser", "start_date": "2024-01-01"}),
    ]
    for service, client, path, body in posts:
        partner = Partner(stack.url(service), client)
        response = partner.post(path, body, key=f"{child}-{service}")
        partner.close()
        assert response.status_code == 503, (service, response.text)
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["detail"][0]["loc"] == ["path", "child_id"]
        assert "unknown child" in response.json()["detail"][0]["msg"]

    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2008-01-01", "start_date": "2024-01-01", "legal_status": "C2"})
    case.close()
    for service, client, path, body in posts:  # the same requests, retried as the 503 asked
        partner = Partner(stack.url(service), client)
        assert partner.post_ok(path, body, key=f"{child}-{service}")
        partner.close()


def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(stack, case):
    child = child_in_care(case)
    body = {"start_date": (TODAY - timedelta(days=50)).isoformat(), "placement_type": "U1"}
    first = case.post(f"/children/{child}/placements", body, key="retry-key-0001")
    stored = stored_for(stack, child)
    again = case.post(f"/children/{child}/placements", body, key="retry-key-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert stored_for(stack, child) == stored
    # The replayed answer shows the child's record again: audited like the first.
    audited = stack.query("placements", "SELECT action, resource FROM audit_log WHERE child_id = $1 AND action = 'write-replayed'", child)
    assert [tuple(r) for r in audited] == [("write-replayed", "/children/{child_id}/placements")]
    reused = case.post(f"/children/{child}/placements", {**body, "placement_type": "U2"}, key="retry-key-0001")
    assert reused.status_code == 422 and reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_clients_must_authenticate_and_hold_the_scope(stack):
    url = f"{stack.url('placements')}/children/X1/placements"
    assert httpx.post(url, json={}).status_code == 401
    assert httpx.post(url, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    health = Partner(stack.url("placements"), "health-provider")  # the health provider may not write placements
    response = health.post("/children/X1/placements", {"start_date": "2024-01-01", "placement_type": "U1"})
    health.close()
    assert response.status_code == 403  # and the answer names no client and no scope (issue 11)
    assert "placements:write" not in response.text and "health-provider" not in response.text
    assert httpx.get(f"{stack.url('indicators')}/kpis").status_code == 401


def test_every_read_and_write_of_a_child_is_audited_and_the_audit_log_is_append_only(stack, case):
    child = child_in_care(case)
    unexplained = case.http.get(f"/children/{child}")  # a child's record is read only with a reason
    assert unexplained.status_code == 422 and unexplained.json()["detail"][0]["loc"] == ["header", "X-Purpose"]
    case.http.get(f"/children/{child}", headers={"X-Purpose": "reconciling the March return"})
    health = Partner(stack.url("placements"), "health-provider")  # may not read placements: refused, and audited
    assert health.get(f"/children/{child}", purpose="curious").status_code == 403
    health.close()
    assert httpx.get(f"{stack.url('placements')}/children/{child}").status_code == 401  # no credential: counted
    rows = stack.query("placements", "SELECT client_id, action, resource, purpose, outcome FROM audit_log WHERE child_id = $1 ORDER BY id", child)
    assert [tuple(r) for r in rows] == [
        ("case-system", "write", "care_period", None, "ok"),
        ("case-system", "read", "/children/{child_id}", None, "422"),
        ("case-system", "read", "child", "reconciling the March return", "ok"),
        ("health-provider", "read", "/children/{child_id}", "curious", "403"),
    ]
    counted = stack.query("placements", "SELECT sum(attempts) FROM refused_attempts WHERE source = '127.0.0.1' "
                                         "AND resource = '/children/{child_id}' AND status = 401")
    assert counted[0][0] >= 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the service's own role may only add rows
        stack.query("placements", "DELETE FROM audit_log WHERE child_id = $1", child)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):  # and even the owner meets the trigger
        stack.query("placements", "DELETE FROM audit_log WHERE child_id = $1", child, owner=True)


def test_every_published_event_validates_against_its_contract(stack):
    async def read_all():
        consumer = AIOKafkaConsumer("placements", "health", "education", "leaving-care",
                                    bootstrap_servers=stack.bootstrap, group_id=None, auto_offset_reset="earliest")
        await consumer.start()
        try:
            records = []
            while batch := await consumer.getmany(timeout_ms=1500):
                records += [r for rs in batch.values() for r in rs]
            return records
        finally:
            await consumer.stop()

    # Only what the running services published (other tests share the broker and send deliberately bad records).
    sources = {f"/cla/{s.name}".encode() for s in SERVICES}
    records = [r for r in asyncio.run(read_all()) if dict(r.headers).get("ce_source") in sources]
    types = set()
    for record in records:
        event = from_kafka_record(record)  # raises if it breaks its contract
        # Keyed by the child (a foster household's events, about no child, by the household).
        assert record.key.decode() == event.subject == event.data.get("child_id", event.data.get("household_id"))
        types.add(event.type)
    assert {"uk.cla.placements.child-entered-care.v1", "uk.cla.placements.placement-started.v1"} <= types


def test_replay_rebuilds_the_same_kpis(stack):
    kpis = Partner(stack.url("indicators"), "performance-team")
    dates = [TODAY.isoformat(), (TODAY - timedelta(days=100)).isoformat()]
    stack.wait_until_applied()  # the live figures hold every record posted so far, as the replay's will
    before = [kpis.get("/kpis", as_of=d).json() for d in dates]
    indicators = next(s for s in SERVICES if s.name == "indicators")
    as_the_service = subprocess.run([sys.executable, "-m", "indicators_service.replay"], env=stack.env_for(indicators),
                                    capture_output=True, text=True, timeout=120)
    assert as_the_service.returncode != 0 and "permission denied" in as_the_service.stderr  # it owns no table
    # A replay swaps tables: it runs as the database's owner (compose: in the indicators-migrate image).
    result = subprocess.run([sys.executable, "-m", "indicators_service.replay"], capture_output=True, text=True,
                            env={**stack.env_for(indicators), "DATABASE_URL": stack.owner_urls["indicators"]}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[1]) > 0
    after = [kpis.get("/kpis", as_of=d).json() for d in dates]
    kpis.close()
    assert after == before
    assert any(k["denominator"] for k in after[0])  # the comparison covered real figures
