"""Initial PEPs due (initial_pep_due), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration
WAITING = "Virtual School notified 2025-10-24, no initial PEP recorded"


async def notified(facts, child, on, pep_completed=None):
    await facts.event("education.virtual-school-notified", {
        "notification_id": f"n-{child}", "child_id": child, "notified_date": on, "effective_date": on, "record_version": 1})
    if pep_completed:
        await facts.event("education.initial-pep-completed", {
            "pep_id": f"p-{child}", "notification_id": f"n-{child}", "child_id": child, "completed_date": pep_completed,
            "effective_date": pep_completed, "record_version": 1})


async def test_an_initial_pep_is_due_on_the_10th_school_day_after_the_notification_until_recorded(facts):
    # Notified Fri 24 Oct 2025, before half term (27-31 Oct): the 10th school day after it is Fri 14 Nov.
    await facts.care_period("waiting", "2025-10-23")
    await notified(facts, "waiting", "2025-10-24")
    await facts.care_period("done", "2025-10-23")
    await notified(facts, "done", "2025-10-24", pep_completed="2025-11-10")         # recorded: off the list
    await facts.care_period("short-break", "2025-10-23", legal_status="V3")
    await notified(facts, "short-break", "2025-10-24")                               # outside the population
    await facts.care_period("left", "2025-10-23", end="2025-11-07")
    await notified(facts, "left", "2025-10-24")                                      # no longer looked after
    await facts.care_period("not-told", "2025-10-23")                                # no notification: nothing due
    # Due today on 14 Nov; overdue by one day on Sat 15 Nov (calendar days count down, school days set the date).
    assert await facts.work_list("initial_pep_due", as_of=date(2025, 11, 14)) == [
        ("waiting", "2025-11-14", 0, False, WAITING)]
    assert await facts.work_list("initial_pep_due", as_of=date(2025, 11, 15)) == [
        ("waiting", "2025-11-14", -1, True, WAITING)]
    # On 28 Oct, in half term, 17 calendar days are left; "done" (PEP on 10 Nov) and "left" (left care 7 Nov)
    # were still waiting then.
    assert await facts.work_list("initial_pep_due", as_of=date(2025, 10, 28), due_within=17) == [
        (child, "2025-11-14", 17, False, WAITING) for child in ("done", "left", "waiting")]
    assert await facts.work_list("initial_pep_due", as_of=date(2025, 10, 28), due_within=16) == []
