"""Children looked after convicted or cautioned (cla_convicted_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_convictions_count_over_the_oc2_cohort_aged_10_and_looked_after_all_year(facts):
    await facts.care_period("c1", "2020-01-01", born="2010-01-01")
    await facts.conviction("c1", "2024-06-01")                              # convicted in the window
    await facts.care_period("c2", "2020-01-01", born="2010-01-01")
    await facts.conviction("c2", "2024-02-01", outcome="youth_caution")     # before the window
    await facts.care_period("young", "2020-01-01", born="2016-01-01")       # 9 on D: outside the cohort
    await facts.care_period("recent", "2024-04-02", born="2010-01-01")      # not looked after all year: outside
    await facts.conviction("recent", "2024-06-01")
    await facts.care_period("edge", "2024-04-01", born="2010-01-01")        # from the window's first day: in it
    breaks = await facts.care_period("breaks", "2020-01-01", born="2010-01-01")
    await facts.legal_status("breaks", breaks, "2024-07-01", "V3")        # short breaks in the window: outside,
    await facts.legal_status("breaks", breaks, "2024-09-01", "C2")        # though looked after again on D
    await facts.conviction("breaks", "2024-10-01")
    # Cohort: c1, c2, edge. 1 of 3: 33.3%.
    kpi = await facts.kpi("cla_convicted_12m")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 3, 33.3)
    assert (await facts.children("cla_convicted_12m"))["c1"] == (True, True, "1 conviction in the 12 months")
