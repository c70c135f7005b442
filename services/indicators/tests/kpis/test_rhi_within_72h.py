"""Return home interviews offered within 72 hours (rhi_within_72h), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_return_home_interviews_are_on_time_when_offered_within_72_hours_of_the_return(facts):
    await facts.care_period("a", "2023-06-01")
    await facts.missing("a", "2024-05-01", "2024-05-02", offered="2024-05-05")  # 3 days after: 72 hours, on time
    await facts.missing("a", "2024-06-01", "2024-06-02", offered="2024-06-06")  # 4 days: late
    await facts.missing("a", "2024-07-01", "2024-07-02")                         # never offered
    await facts.missing("a", "2024-08-01", "2024-08-02", kind="A")               # away: outside it
    await facts.missing("a", "2025-03-30")                                       # not returned yet: outside it
    kpi = await facts.kpi("rhi_within_72h")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (33.3, 1, 3)
