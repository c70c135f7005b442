"""Long-term placement stability (placement_stability_long_term), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_long_term_stability_counts_two_years_with_one_carer_after_two_and_a_half_in_care(facts):
    # D = 2025-03-31: the cohort entered care on or before 2022-09-30 (2.5 years) and is under 16 on D;
    # the numerator has lived with the current carer since 2023-03-31 or earlier (2 years).
    g = await facts.care_period("g", "2022-01-01")
    await facts.placement("g", "2022-01-01", carer="X", period=g)                      # 3 years with X: yes
    h = await facts.care_period("h", "2022-01-01")
    await facts.placement("h", "2022-01-01", "2024-01-01", carer="X", period=h)
    await facts.placement("h", "2024-01-01", carer="Y", period=h)                      # Y since 2024: no
    i = await facts.care_period("i", "2022-01-01")
    await facts.placement("i", "2022-01-01", "2023-01-01", carer="Z", period=i)
    await facts.placement("i", "2023-01-01", carer="Z", period=i)                      # the same carer: one run, yes
    j = await facts.care_period("j", "2022-10-01")                                     # 2.5 years on 2025-04-01: out
    await facts.placement("j", "2022-10-01", carer="X", period=j)
    k = await facts.care_period("k", "2020-01-01", born="2009-01-01")                  # 16 on D: out
    await facts.placement("k", "2020-01-01", carer="X", period=k)
    # Placed for adoption in 2024; with the foster placement before it, 2021-06-01 onwards: yes.
    m = await facts.care_period("m", "2021-06-01")
    await facts.placement("m", "2021-06-01", "2024-06-01", placement_type="U4", carer="F", period=m)
    await facts.placement("m", "2024-06-01", placement_type="A5", carer="G", period=m)
    kpi = await facts.kpi("placement_stability_long_term")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (75.0, 3, 4)  # g, i, m of g, h, i, m
    rows = await facts.children("placement_stability_long_term")
    assert rows["h"] == (True, False, "with the same carer since 2024-01-01")
    assert rows["m"][2] == "placed for adoption; adoptive and previous placement since 2021-06-01"


async def test_long_term_stability_a_temporary_placement_with_a_return_to_the_same_carer_does_not_break_the_run(facts):
    # As of 2022-03-31: born 2012 (under 16), looked after since 2016-03-08 (over 2.5 years). With foster carer F
    # from 2016-03-08; T4 respite with R1 2019-07-01 to 2019-07-15 and with R2 2022-02-28 to 2022-03-07, each
    # followed by a return to F: respite is not a move, so with F since 2016-03-08, over 2 years: 1 of 1.
    period = await facts.care_period("f", "2016-03-08")
    await facts.placement("f", "2016-03-08", "2019-07-01", "U4", carer="F", period=period, rne="S")
    await facts.placement("f", "2019-07-01", "2019-07-15", "T4", carer="R1", period=period, rne="P")
    await facts.placement("f", "2019-07-15", "2022-02-28", "U4", carer="F", period=period, rne="P")
    await facts.placement("f", "2022-02-28", "2022-03-07", "T4", carer="R2", period=period, rne="P")
    await facts.placement("f", "2022-03-07", None, "U4", carer="F", period=period, rne="P")
    kpi = await facts.kpi("placement_stability_long_term", as_of=date(2022, 3, 31))
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_long_term", as_of=date(2022, 3, 31)))["f"] == (
        True, True, "with the same carer since 2016-03-08")


async def test_long_term_stability_the_placement_before_an_adoption_by_the_childs_own_foster_carer_is_the_carer_before(facts):
    # As of 2023-03-31: born 2015, looked after since 2020-09-01 (over 2.5 years). Q from 2020-09-01 (S), A from
    # 2020-11-15 (P), B from 2021-09-26 (P), then placed for adoption with B (A5, T) on 2022-10-01. The adoptive
    # placement and B's foster placement are one placement (since 2021-09-26: 1.5 years); the one before it is
    # A's, from 2020-11-15: together 2 years 4 months, over 2 years: 1 of 1.
    period = await facts.care_period("b", "2020-09-01", born="2015-01-01")
    await facts.placement("b", "2020-09-01", "2020-11-15", "U4", carer="Q", period=period, rne="S")
    await facts.placement("b", "2020-11-15", "2021-09-26", "U4", carer="A", period=period, rne="P")
    await facts.placement("b", "2021-09-26", "2022-10-01", "U4", carer="B", period=period, rne="P")
    await facts.placement("b", "2022-10-01", None, "A5", carer="B", period=period, rne="T")
    kpi = await facts.kpi("placement_stability_long_term", as_of=date(2023, 3, 31))
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_long_term", as_of=date(2023, 3, 31)))["b"] == (
        True, True, "placed for adoption; adoptive and previous placement since 2020-11-15")


async def test_long_term_stability_on_each_of_its_thresholds(facts):
    # D = 2025-03-31. Cohort: in care on or before D - 30 months = 2022-09-30, under 16 on D (born after
    # 2009-03-31). Numerator: with the current carer since D - 2 years = 2023-03-31 or earlier.
    e = await facts.care_period("entered_30_months", "2022-09-30")           # exactly 30 months: in the cohort
    await facts.placement("entered_30_months", "2022-09-30", carer="X", period=e)   # with X since: yes
    s = await facts.care_period("sixteen", "2020-01-01", born="2009-03-31")  # exactly 16 on D: out
    await facts.placement("sixteen", "2020-01-01", carer="X", period=s)
    t = await facts.care_period("two_years", "2021-01-01")
    await facts.placement("two_years", "2021-01-01", "2023-03-31", carer="X", period=t)
    await facts.placement("two_years", "2023-03-31", carer="Y", period=t)     # with Y exactly 2 years: yes
    u = await facts.care_period("a_day_short", "2021-01-01")
    await facts.placement("a_day_short", "2021-01-01", "2023-04-01", carer="X", period=u)
    await facts.placement("a_day_short", "2023-04-01", carer="Y", period=u)   # a day short of 2 years: no
    # Cohort: entered_30_months, two_years, a_day_short; numerator: the first two. 2 of 3 = 66.7%.
    kpi = await facts.kpi("placement_stability_long_term")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (66.7, 2, 3)
    assert (await facts.children("placement_stability_long_term"))["two_years"] == (
        True, True, "with the same carer since 2023-03-31")
