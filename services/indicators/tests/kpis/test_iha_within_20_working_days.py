"""Initial health assessments within 20 working days (iha_within_20_working_days), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_iha_timeliness_uses_twenty_working_days_and_the_national_population(facts):
    # Entered Fri 19 Dec 2025: due Wed 21 Jan 2026 after the Christmas bank holidays.
    await facts.care_period("on-time", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a1", "child_id": "on-time", "completed_date": "2026-01-21", "effective_date": "2026-01-21", "record_version": 1})
    await facts.care_period("late", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a2", "child_id": "late", "completed_date": "2026-01-22", "effective_date": "2026-01-22", "record_version": 1})
    await facts.care_period("not-done", "2025-12-19")
    # Left care before the IHA fell due and never had it: outside the population.
    await facts.care_period("left", "2025-12-19", end="2026-01-05")
    # Short breaks are not in the population.
    await facts.care_period("short-break", "2025-12-19", legal_status="V4")
    # In the population: on-time, late and not-done; 1 of 3 on time.
    kpi = await facts.kpi("iha_within_20_working_days", as_of=date(2026, 2, 28))
    assert (kpi.numerator, kpi.denominator) == (1, 3)
    rows = await facts.children("iha_within_20_working_days", as_of=date(2026, 2, 28))
    assert rows["late"][2] == "IHA due 2026-01-21, completed 1 working day late"
    assert rows["not-done"][2] == "IHA due 2026-01-21, not done"
    # On 20 January nothing had fallen due yet.
    assert (await facts.kpi("iha_within_20_working_days", as_of=date(2026, 1, 20))).denominator == 0
