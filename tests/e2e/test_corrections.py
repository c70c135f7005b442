"""Corrections and late records as a case system sends them: a placement recorded late slots into the
history, an overlap is refused naming the clash, a correction made against a stale version gets 409, a
corrected start date and a withdrawal reach the KPIs and the children behind them."""

import time
import uuid
from datetime import timedelta

import holidays
import pytest
from dateutil.relativedelta import relativedelta

from backbone.clock import today
from devstack.partners import Partner

pytestmark = pytest.mark.integration
UK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2031))


def ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def people(stack):
    made = {"case": Partner(stack.url("placements"), "case-system"),
            "manager": Partner(stack.url("indicators"), "service-manager")}
    yield made
    for partner in made.values():
        partner.close()


def reason_for(people, child: str, expected: str, within: float = 10) -> str:
    deadline = time.monotonic() + within
    while True:
        rows = people["manager"].get("/kpis/placement_stability_3plus/children", purpose="correction test").json()
        reason = next((r["reason"] for r in rows if r["child_id"] == child), None)
        if reason == expected or time.monotonic() > deadline:
            return reason
        time.sleep(0.1)


def test_late_records_corrections_and_withdrawals_reach_the_kpis(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-01-01", "start_date": ago(700), "legal_status": "C2"})
    current = case.post_ok(f"/children/{child}/placements", {"start_date": ago(200), "placement_type": "U4", "carer_id": "K-1"})
    assert reason_for(people, child, "1 placement in the 12 months") == "1 placement in the 12 months"

    # Recorded late: a placement that ended before the current one began.
    late = case.post_ok(f"/children/{child}/placements",
                        {"start_date": ago(300), "end_date": ago(250), "placement_type": "U5", "carer_id": "K-2"})
    assert late["end_date"] == ago(250)
    assert reason_for(people, child, "2 placements in the 12 months") == "2 placements in the 12 months"

    # An overlapping one is refused, naming the placement it clashes with; nothing is stored.
    clash = case.post(f"/children/{child}/placements", {"start_date": ago(280), "end_date": ago(220), "placement_type": "U4"})
    assert clash.status_code == 422 and late["placement_id"] in clash.text

    # A correction against a version that is no longer current: 409, naming the current one.
    moved = {"record_version": 1, "start_date": ago(230)}
    assert case.http.patch(f"/children/{child}/placements/{current['placement_id']}", json={**moved, "record_version": 7},
                           headers={"Idempotency-Key": str(uuid.uuid4())}).status_code == 409
    stale = case.http.patch(f"/children/{child}/placements/{current['placement_id']}", json={"record_version": 2, "carer_id": "K-9"},
                            headers={"Idempotency-Key": str(uuid.uuid4())})
    assert stale.status_code == 409 and "version 1" in stale.text
    corrected = case.http.patch(f"/children/{child}/placements/{current['placement_id']}", json=moved,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["start_date"], corrected.json()["record_version"]) == (ago(230), 2)
    # Corrected so that it would overlap the late one: refused.
    overlap = case.http.patch(f"/children/{child}/placements/{current['placement_id']}",
                              json={"record_version": 2, "start_date": ago(260)}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert overlap.status_code == 422 and late["placement_id"] in overlap.text

    # A version must be a whole number, never a JSON true (which lax parsing would take for 1; found by fuzzing).
    for wrong in (True, "1", 1.5, 0):
        answer = case.post(f"/children/{child}/placements/{late['placement_id']}/withdraw", {"record_version": wrong})
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "record_version"], wrong

    # Withdrawn as entered in error: it leaves the KPI and the child's record.
    gone = case.post(f"/children/{child}/placements/{late['placement_id']}/withdraw", {"record_version": 1})
    assert gone.status_code == 200 and gone.json()["withdrawn"] is True
    assert reason_for(people, child, "1 placement in the 12 months") == "1 placement in the 12 months"
    record = case.get(f"/children/{child}", purpose="reconciling").json()
    assert [p["placement_id"] for p in record["placements"]] == [current["placement_id"]]
    again = case.post(f"/children/{child}/placements/{late['placement_id']}/withdraw", {"record_version": 2})
    assert again.status_code == 422  # no such placement any more


def test_a_period_of_care_is_corrected_within_its_rules(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-01-01", "start_date": ago(100), "legal_status": "C2"})
    case.post_ok(f"/children/{child}/placements", {"start_date": ago(90), "placement_type": "U4"})
    url = f"/children/{child}/care-periods/{period['care_period_id']}"

    def patch(body):
        return case.http.patch(url, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    too_late = patch({"record_version": 1, "start_date": ago(80)})  # its placement began before that
    assert too_late.status_code == 422 and "would fall outside the period" in too_late.text
    ended = patch({"record_version": 1, "end_date": ago(10)})
    assert ended.status_code == 422 and ended.json()["detail"][0]["loc"][-1] == "reason_ceased"
    earlier = patch({"record_version": 1, "start_date": ago(120), "legal_status": "V2"})
    assert earlier.status_code == 200 and earlier.json()["record_version"] == 2
    refused = case.post(f"{url}/withdraw", {"record_version": 2})
    assert refused.status_code == 422 and "withdraw its placements first" in refused.text


def test_a_child_entered_in_error_can_be_entered_again_with_the_right_date_of_birth(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    wrong = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2013-01-01", "start_date": ago(30), "legal_status": "C2"})
    again = case.post(f"/children/{child}/care-periods", {"date_of_birth": "2013-10-01", "start_date": ago(20), "legal_status": "C2"})
    assert again.status_code == 422  # a live period holds the recorded date of birth
    assert case.post(f"/children/{child}/care-periods/{wrong['care_period_id']}/withdraw", {"record_version": 1}).status_code == 200
    right = case.post(f"/children/{child}/care-periods", {"date_of_birth": "2013-10-01", "start_date": ago(20), "legal_status": "C2"})
    assert right.status_code == 201, right.text


def test_leaving_care_records_are_corrected_and_withdrawn_the_same_way(stack, people):
    leaving = Partner(stack.url("leaving_care"), "leaving-care-team")
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    # 19 and a half today, looked after from the 14th to the 18th birthday: former relevant by the care history.
    born = today() - relativedelta(years=19, months=6)
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": born.isoformat(),
                          "start_date": (born + relativedelta(years=14)).isoformat(), "legal_status": "C2"})
    case.post_ok(f"/children/{child}/care-periods/{period['care_period_id']}/end",
                 {"end_date": (born + relativedelta(years=18)).isoformat(), "reason_ceased": "E5"})
    allocation = leaving.post_ok(f"/children/{child}/adviser-allocations", {"role": "personal_adviser", "start_date": ago(150)})

    def pa_reason(expected):
        deadline = time.monotonic() + 10
        while True:
            rows = people["manager"].get("/kpis/pa_allocated/children", purpose="correction test").json()
            reason = next((r["reason"] for r in rows if r["child_id"] == child), None)
            if reason == expected or time.monotonic() > deadline:
                return reason
            time.sleep(0.1)

    assert pa_reason("former relevant, 19; personal adviser allocated") == "former relevant, 19; personal adviser allocated"
    # A decision that the young person is no longer supported (it overrides the care history) takes them out...
    status = leaving.post_ok(f"/children/{child}/leaving-care-status", {"status": "no_longer_supported", "effective_date": ago(200)})
    assert pa_reason(None) is None
    # ... and, entered in error, it is corrected against version 1: back in.
    corrected = leaving.http.patch(f"/children/{child}/leaving-care-status/{status['status_id']}",
                                   json={"record_version": 1, "status": "former_relevant"}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert corrected.status_code == 200 and corrected.json()["record_version"] == 2
    assert pa_reason("former relevant, 19; personal adviser allocated") == "former relevant, 19; personal adviser allocated"
    # The allocation was entered for the wrong young person: withdrawn, it leaves the KPI.
    stale = leaving.post(f"/children/{child}/adviser-allocations/{allocation['allocation_id']}/withdraw", {"record_version": 3})
    assert stale.status_code == 409
    assert leaving.post(f"/children/{child}/adviser-allocations/{allocation['allocation_id']}/withdraw", {"record_version": 1}).status_code == 200
    assert pa_reason("former relevant, 19; no personal adviser allocated") == "former relevant, 19; no personal adviser allocated"
    leaving.close()


def kpi_reason(people, kpi: str, child: str, expected: str | None, within: float = 10) -> str | None:
    deadline = time.monotonic() + within
    while True:
        rows = people["manager"].get(f"/kpis/{kpi}/children", purpose="correction test").json()
        reason = next((r["reason"] for r in rows if r["child_id"] == child), None)
        if reason == expected or time.monotonic() > deadline:
            return reason
        time.sleep(0.1)


def working_days_after(start, n: int):
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += day.weekday() < 5 and day not in UK_HOLIDAYS
    return day


def test_health_and_education_records_are_corrected_and_withdrawn_the_same_way(stack, people):
    health = Partner(stack.url("health"), "health-provider")
    school = Partner(stack.url("education"), "virtual-school")
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    entered = today() - timedelta(days=60)
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2014-03-01", "start_date": entered.isoformat(),
                                                     "legal_status": "C2"})
    due = working_days_after(entered, 20)

    # An IHA recorded on time by mistake; really done 3 days after it was due: corrected against version 1.
    iha = health.post_ok(f"/children/{child}/initial-health-assessments", {"completed_date": due.isoformat()})
    assert kpi_reason(people, "iha_within_20_working_days", child, f"IHA due {due}, completed {due}") == \
        f"IHA due {due}, completed {due}"
    late = working_days_after(due, 3)
    path = f"/children/{child}/initial-health-assessments/{iha['assessment_id']}"
    assert health.http.patch(path, json={"record_version": 2, "completed_date": late.isoformat()},
                             headers={"Idempotency-Key": str(uuid.uuid4())}).status_code == 409
    corrected = health.http.patch(path, json={"record_version": 1, "completed_date": late.isoformat()},
                                  headers={"Idempotency-Key": str(uuid.uuid4())})
    assert corrected.status_code == 200 and corrected.json()["record_version"] == 2
    expected = f"IHA due {due}, completed 3 working days late"
    assert kpi_reason(people, "iha_within_20_working_days", child, expected) == expected
    # Withdrawn as entered in error: the IHA is not done as far as the KPI knows.
    assert health.post(f"{path}/withdraw", {"record_version": 2}).status_code == 200
    expected = f"IHA due {due}, not done"
    assert kpi_reason(people, "iha_within_20_working_days", child, expected) == expected

    # The Virtual School: a PEP answering a notification cannot outlive it; withdrawn in order, both leave.
    notified = school.post_ok(f"/children/{child}/virtual-school-notifications", {"notified_date": entered.isoformat()})
    pep = school.post_ok(f"/children/{child}/initial-peps", {"completed_date": (entered + timedelta(days=10)).isoformat()})
    note_path = f"/children/{child}/virtual-school-notifications/{notified['notification_id']}"
    refused = school.post(f"{note_path}/withdraw", {"record_version": 1})
    assert refused.status_code == 422 and pep["pep_id"] in refused.text
    moved = school.http.patch(f"/children/{child}/initial-peps/{pep['pep_id']}",
                              json={"record_version": 1, "completed_date": (entered + timedelta(days=12)).isoformat()},
                              headers={"Idempotency-Key": str(uuid.uuid4())})
    assert moved.status_code == 200 and moved.json()["completed_date"] == (entered + timedelta(days=12)).isoformat()
    assert school.post(f"/children/{child}/initial-peps/{pep['pep_id']}/withdraw", {"record_version": 2}).status_code == 200
    assert school.post(f"{note_path}/withdraw", {"record_version": 1}).status_code == 200
    health.close()
    school.close()


def test_a_date_of_birth_is_corrected_while_the_child_is_looked_after(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2013-01-01", "start_date": ago(90),
                                                              "legal_status": "C2"})

    def patch(body):
        return case.http.patch(f"/children/{child}", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    after_entry = patch({"record_version": 1, "date_of_birth": ago(30)})
    assert after_entry.status_code == 422 and period["care_period_id"] in after_entry.text
    assert patch({"record_version": 1, "date_of_birth": "2013-10-01"}).status_code == 200
    assert patch({"record_version": 1, "date_of_birth": "2013-11-01"}).status_code == 409  # stale: now version 2
    record = case.get(f"/children/{child}", purpose="correction test").json()
    assert (record["date_of_birth"], record["record_version"]) == ("2013-10-01", 2)
    # The period carries the date of birth to every consumer: republished as a new version.
    assert record["care_periods"][0]["record_version"] == 2


def test_a_missing_episode_is_recorded_then_its_return_and_interview_added_and_reaches_the_kpis(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2010-03-01", "start_date": ago(400), "legal_status": "C2"})
    outside = case.post(f"/children/{child}/missing-episodes", {"kind": "M", "start_date": ago(500)})
    assert outside.status_code == 422 and "not looked after" in outside.text
    episode = case.post_ok(f"/children/{child}/missing-episodes", {"kind": "M", "start_date": ago(40)})
    clash = case.post(f"/children/{child}/missing-episodes", {"kind": "A", "start_date": ago(39), "end_date": ago(38)})
    assert clash.status_code == 422 and episode["episode_id"] in clash.text
    expected = "1 missing, 0 away in the 12 months"
    assert kpi_reason(people, "missing_children_12m", child, expected) == expected
    # The child came back 2 days later; the interview was offered 3 days after that: on time.
    returned = case.http.patch(f"/children/{child}/missing-episodes/{episode['episode_id']}",
                               json={"record_version": 1, "end_date": ago(38), "rhi_offered_date": ago(35)},
                               headers={"Idempotency-Key": str(uuid.uuid4())})
    assert returned.status_code == 200 and returned.json()["record_version"] == 2
    expected = f"returned {ago(38)}, interview offered {ago(35)} (3 days later)"
    assert kpi_reason(people, "rhi_within_72h", child, expected) == expected
    assert case.post(f"/children/{child}/missing-episodes/{episode['episode_id']}/withdraw", {"record_version": 2}).status_code == 200
    expected = "no missing or away episode in the 12 months"
    assert kpi_reason(people, "missing_children_12m", child, expected) == expected


def test_social_worker_allocations_hand_over_and_reach_the_kpi(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2011-03-01", "start_date": ago(500), "legal_status": "C2"})
    first = case.post_ok(f"/children/{child}/social-worker-allocations", {"worker_id": "SW-1", "start_date": ago(500)})
    case.post_ok(f"/children/{child}/social-worker-allocations", {"worker_id": "SW-2", "start_date": ago(200)})
    third = case.post_ok(f"/children/{child}/social-worker-allocations", {"worker_id": "SW-3", "start_date": ago(100)})
    record = case.get(f"/children/{child}", purpose="correction test").json()["social_worker_allocations"]
    assert [(a["worker_id"], a["end_date"]) for a in record] == [("SW-1", ago(200)), ("SW-2", ago(100)), ("SW-3", None)]
    assert record[0]["allocation_id"] == first["allocation_id"]
    expected = "2 changes of social worker in the 12 months"
    assert kpi_reason(people, "social_worker_changes_12m", child, expected) == expected
    # SW-3 was entered for the wrong child: withdrawn, one change is left (SW-2 stays open from then on).
    assert case.post(f"/children/{child}/social-worker-allocations/{third['allocation_id']}/withdraw",
                     {"record_version": 1}).status_code == 200
    expected = "1 change of social worker in the 12 months"
    assert kpi_reason(people, "social_worker_changes_12m", child, expected) == expected


def patch(case, path: str, body: dict):
    return case.http.patch(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


def test_a_review_and_a_visit_are_recorded_corrected_and_withdrawn_and_reach_their_kpis(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    entered = today() - timedelta(days=60)
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-03-01", "start_date": entered.isoformat(),
                                                     "legal_status": "C2"})
    case.post_ok(f"/children/{child}/placements", {"start_date": entered.isoformat(), "placement_type": "U6",
                                                   "reason_new_episode": "S"})
    due = working_days_after(entered, 20)
    late = case.post_ok(f"/children/{child}/reviews", {"review_date": (due + timedelta(days=3)).isoformat(), "participation": "PN1"})
    expected = f"review 1 held {due + timedelta(days=3)}, due {due} (3 days late)"
    assert kpi_reason(people, "reviews_on_time", child, expected) == expected
    # The review was held on its due date; the case system had keyed it wrongly.
    corrected = patch(case, f"/children/{child}/reviews/{late['review_id']}", {"record_version": 1, "review_date": due.isoformat()})
    assert corrected.status_code == 200 and corrected.json()["record_version"] == 2
    expected = f"review 1 held {due}, due {due}"
    assert kpi_reason(people, "reviews_on_time", child, expected) == expected
    stale = patch(case, f"/children/{child}/reviews/{late['review_id']}", {"record_version": 1, "participation": "PN2"})
    assert stale.status_code == 409
    assert case.post(f"/children/{child}/reviews/{late['review_id']}/withdraw", {"record_version": 2}).status_code == 200
    assert kpi_reason(people, "reviews_on_time", child, None) is None
    before_care = case.post(f"/children/{child}/reviews", {"review_date": (entered - timedelta(days=1)).isoformat()})
    assert before_care.status_code == 422 and before_care.json()["detail"][0]["loc"][-1] == "review_date"

    # No visit since the placement began 60 days ago: the first was due a week in.
    expected = f"placed {entered}, no visit since; first due {entered + timedelta(days=7)} (53 days overdue)"
    assert kpi_reason(people, "visits_on_time", child, expected) == expected
    visited = today() - timedelta(days=5)
    case.post_ok(f"/children/{child}/visits", {"visit_date": visited.isoformat(), "seen_alone": True})
    expected = f"last visited {visited}, next due {visited + timedelta(days=42)}"
    assert kpi_reason(people, "visits_on_time", child, expected) == expected


def test_a_legal_status_change_to_short_breaks_takes_the_child_out_of_looked_after_until_withdrawn(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2012-03-01", "start_date": ago(300),
                                                              "legal_status": "C2"})
    expected = f"looked after since {ago(300)}"
    assert kpi_reason(people, "cla_count", child, expected) == expected
    outside = case.post(f"/children/{child}/legal-status-changes", {"care_period_id": period["care_period_id"],
                                                                    "start_date": ago(301), "legal_status": "V3"})
    assert outside.status_code == 422 and "start_date" in outside.text
    unknown = case.post(f"/children/{child}/legal-status-changes", {"care_period_id": period["care_period_id"],
                                                                    "start_date": ago(10), "legal_status": "X9"})
    assert unknown.status_code == 422 and "legal_status" in unknown.text
    change = case.post_ok(f"/children/{child}/legal-status-changes", {"care_period_id": period["care_period_id"],
                                                                      "start_date": ago(10), "legal_status": "V3"})
    assert kpi_reason(people, "cla_count", child, None) is None
    # A period with a change in it cannot be withdrawn before the change is.
    refused = case.post(f"/children/{child}/care-periods/{period['care_period_id']}/withdraw", {"record_version": 1})
    assert refused.status_code == 422 and change["change_id"] in refused.text
    assert case.post(f"/children/{child}/legal-status-changes/{change['change_id']}/withdraw", {"record_version": 1}).status_code == 200
    assert kpi_reason(people, "cla_count", child, expected) == expected


def test_a_conviction_reaches_the_oc2_kpi_and_one_before_the_age_of_10_is_refused(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    born = today().replace(year=today().year - 14, month=1, day=1)
    case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": born.isoformat(), "start_date": ago(500),
                                                     "legal_status": "C2"})
    too_young = case.post(f"/children/{child}/convictions", {"outcome_date": born.replace(year=born.year + 9).isoformat(),
                                                             "outcome": "conviction"})
    assert too_young.status_code == 422 and "under 10" in too_young.text
    expected = "no conviction or youth caution in the 12 months"
    assert kpi_reason(people, "cla_convicted_12m", child, expected) == expected
    case.post_ok(f"/children/{child}/convictions", {"outcome_date": ago(30), "outcome": "youth_caution"})
    expected = "1 youth caution in the 12 months"
    assert kpi_reason(people, "cla_convicted_12m", child, expected) == expected


def test_adoption_by_the_foster_carer_and_its_milestones_reach_a1_and_a2(people):
    case, child = people["case"], f"T-{uuid.uuid4().hex[:12]}"
    period = case.post_ok(f"/children/{child}/care-periods", {"date_of_birth": "2020-03-01", "start_date": ago(900),
                                                              "legal_status": "C2"})["care_period_id"]
    case.post_ok(f"/children/{child}/placements", {"start_date": ago(900), "placement_type": "U6", "reason_new_episode": "S"})
    wrong = case.post(f"/children/{child}/placements", {"start_date": ago(800), "placement_type": "U6",
                                                        "reason_new_episode": "S"})
    assert wrong.status_code == 422 and "reason_new_episode" in wrong.text
    case.post_ok(f"/children/{child}/placements", {"start_date": ago(800), "placement_type": "U6", "reason_new_episode": "P"})
    # The foster carers became the adopters: same carer (T).
    case.post_ok(f"/children/{child}/placements", {"start_date": ago(400), "placement_type": "A6", "reason_new_episode": "T"})
    adoption = case.post_ok(f"/children/{child}/adoptions", {"care_period_id": period, "placement_order_date": ago(700)})
    mismatched = patch(case, f"/children/{child}/adoptions/{adoption['adoption_id']}",
                       {"record_version": 1, "match_date": ago(450), "placed_date": ago(460)})
    assert mismatched.status_code == 422 and "placed_date" in mismatched.text
    assert patch(case, f"/children/{child}/adoptions/{adoption['adoption_id']}",
                 {"record_version": 1, "match_date": ago(500), "placed_date": ago(400)}).status_code == 200
    case.post_ok(f"/children/{child}/care-periods/{period}/end", {"end_date": ago(10), "reason_ceased": "E11"})
    # A1: from entering care (900 days ago) to moving in with the foster carers who adopted (800 days ago).
    expected = f"entered care {ago(900)}, moved in with their foster carer, who adopted them, {ago(800)}: 100 days"
    assert kpi_reason(people, "adoption_a1_days", child, expected) == expected
    expected = f"placement order {ago(700)}, matched {ago(500)}: 200 days"
    assert kpi_reason(people, "adoption_a2_days", child, expected) == expected
    record = case.get(f"/children/{child}", purpose="correction test").json()
    assert record["adoptions"][0]["record_version"] == 2
    assert [p["reason_new_episode"] for p in record["placements"]] == ["S", "P", "T"]


def test_a_foster_households_approvals_change_terms_end_and_are_withdrawn_and_reach_the_kpi(people):
    case, household = people["case"], f"HH-{uuid.uuid4().hex[:10]}"
    approvals = f"/foster-households/{household}/approvals"
    first = case.post_ok(approvals, {"category": "short_term", "start_date": ago(400)})
    unknown = case.post(approvals, {"category": "weekend", "start_date": ago(10)})
    assert unknown.status_code == 422 and "category" in unknown.text
    before = case.post(approvals, {"category": "long_term", "start_date": ago(401)})
    assert before.status_code == 422 and first["approval_id"] in before.text
    expected = f"short term from {ago(400)}"
    assert kpi_reason(people, "foster_households", household, expected) == expected
    # New terms: long term from 100 days ago; the short-term approval ends that day.
    second = case.post_ok(approvals, {"category": "long_term", "start_date": ago(100)})
    record = case.get(f"/foster-households/{household}").json()["approvals"]
    assert [(a["category"], a["end_date"]) for a in record] == [("short_term", ago(100)), ("long_term", None)]
    expected = f"long term from {ago(100)}"
    assert kpi_reason(people, "foster_households", household, expected) == expected
    early = patch(case, f"{approvals}/{second['approval_id']}", {"record_version": 1, "end_date": ago(101)})
    assert early.status_code == 422 and "end_date" in early.text
    assert patch(case, f"{approvals}/{second['approval_id']}", {"record_version": 1, "end_date": ago(20)}).status_code == 200
    expected = f"long term from {ago(100)} to {ago(20)} (de-registered)"
    assert kpi_reason(people, "foster_households", household, expected) == expected
    assert case.post(f"{approvals}/{second['approval_id']}/withdraw", {"record_version": 2}).status_code == 200
    expected = f"short term from {ago(400)} to {ago(100)} (de-registered)"
    assert kpi_reason(people, "foster_households", household, expected) == expected
