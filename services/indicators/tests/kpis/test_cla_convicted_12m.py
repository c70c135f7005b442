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


async def test_a_child_exactly_10_on_the_day_of_the_outcome_at_the_end_of_the_window_is_counted(facts):
    # D = 2025-03-31, window 2024-04-01 to D. Born 2015-03-31: 10 years old on D exactly (the cohort is aged 10
    # or over on D: born on or before D - 10 years = 2015-03-31), and convicted on D, the window's last day.
    # Born a day later, 2015-04-01: 9 on D, outside the cohort whatever the outcome.
    await facts.care_period("ten", "2020-01-01", born="2015-03-31")
    await facts.conviction("ten", "2025-03-31")
    await facts.care_period("nine", "2020-01-01", born="2015-04-01")
    await facts.conviction("nine", "2025-03-31")
    await facts.care_period("first_day", "2020-01-01", born="2010-01-01")
    await facts.conviction("first_day", "2024-04-01", outcome="youth_caution")  # on the window's first day: in
    # Cohort: ten, first_day; both cautioned or convicted in the window: 2 of 2 = 100%.
    kpi = await facts.kpi("cla_convicted_12m")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (2, 2, 100.0)
    assert (await facts.children("cla_convicted_12m"))["ten"] == (True, True, "1 conviction in the 12 months")
