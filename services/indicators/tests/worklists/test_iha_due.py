"""Initial health assessments due or overdue (iha_due), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration
WAITING = "looked after since 2025-12-19, no IHA recorded"


async def iha(facts, child, completed):
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": f"a-{child}", "child_id": child, "completed_date": completed, "effective_date": completed,
        "record_version": 1})


async def test_an_iha_is_listed_from_entering_care_until_recorded_and_due_on_the_20th_working_day(facts):
    # Entered Fri 19 Dec 2025: the 20th working day after it, past the Christmas bank holidays, is Wed 21 Jan 2026.
    await facts.care_period("waiting", "2025-12-19")
    await facts.care_period("done", "2025-12-19")
    await iha(facts, "done", "2026-01-10")                                   # recorded: off the list
    await facts.care_period("done-later", "2025-12-19")
    await iha(facts, "done-later", "2026-01-23")                             # listed until 23 Jan
    await facts.care_period("left", "2025-12-19", end="2026-01-05")          # no longer looked after
    await facts.care_period("short-break", "2025-12-19", legal_status="V4")  # outside the population
    # Due today on 21 Jan: 0 days left, not overdue.
    assert await facts.work_list("iha_due", as_of=date(2026, 1, 21)) == [
        ("done-later", "2026-01-21", 0, False, WAITING), ("waiting", "2026-01-21", 0, False, WAITING)]
    # Overdue by one day on 22 Jan.
    assert await facts.work_list("iha_due", as_of=date(2026, 1, 22)) == [
        ("done-later", "2026-01-21", -1, True, WAITING), ("waiting", "2026-01-21", -1, True, WAITING)]
    # On 23 Jan the late IHA is recorded: only "waiting" is left, 2 days overdue.
    assert await facts.work_list("iha_due", as_of=date(2026, 1, 23)) == [("waiting", "2026-01-21", -2, True, WAITING)]
    # On Wed 14 Jan both are due in 7 days: within 7 days, not within 6.
    assert len(await facts.work_list("iha_due", as_of=date(2026, 1, 14), due_within=7)) == 2
    assert await facts.work_list("iha_due", as_of=date(2026, 1, 14), due_within=6) == []
