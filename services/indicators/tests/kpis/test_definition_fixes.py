"""Placement KPIs on histories the first fixtures did not have (issue 23): each test is one child (or a few)
and states its arithmetic. Written here while test_kpi_definitions.py is being split into per-KPI modules;
they belong in test_placement_stability_3plus.py, test_placement_stability_long_term.py,
test_missing_children_12m.py and test_rhi_within_72h.py once those exist."""

from datetime import date

import pytest

from services.indicators.tests.test_kpi_definitions import Facts, facts  # noqa: F401  (the fixture, by import)

pytestmark = pytest.mark.integration
D_2022, D_2023 = date(2022, 3, 31), date(2023, 3, 31)


async def test_3plus_counts_the_placement_current_at_the_window_start_whatever_the_rne_of_its_episode(facts: Facts):
    # As of 2022-03-31, window 2021-04-01 to 2022-03-31. With W from 2017-06-01 (S), X from 2017-09-06 (P), X
    # again from 2018-01-20 after a move of house (T): X's placement, current at the window's start, is one;
    # Y from 2021-10-01 (P) two; Z from 2022-02-02 (P) three: 3 placements, in the numerator (1 of 1).
    period = await facts.care_period("c", "2017-06-01")
    await facts.placement("c", "2017-06-01", "2017-09-06", "U4", carer="W", period=period, rne="S")
    await facts.placement("c", "2017-09-06", "2018-01-20", "U4", carer="X", period=period, rne="P")
    await facts.placement("c", "2018-01-20", "2021-10-01", "U4", carer="X", period=period, rne="T")
    await facts.placement("c", "2021-10-01", "2022-02-02", "U4", carer="Y", period=period, rne="P")
    await facts.placement("c", "2022-02-02", None, "U4", carer="Z", period=period, rne="P")
    kpi = await facts.kpi("placement_stability_3plus", as_of=D_2022)
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_3plus", as_of=D_2022))["c"][2] == "3 placements in the 12 months"


async def test_long_term_stability_a_temporary_placement_with_a_return_to_the_same_carer_does_not_break_the_run(facts: Facts):
    # As of 2022-03-31: born 2012 (under 16), looked after since 2016-03-08 (over 2.5 years). With foster carer F
    # from 2016-03-08; T4 respite with R1 2019-07-01 to 2019-07-15 and with R2 2022-02-28 to 2022-03-07, each
    # followed by a return to F: respite is not a move, so with F since 2016-03-08, over 2 years: 1 of 1.
    period = await facts.care_period("f", "2016-03-08")
    await facts.placement("f", "2016-03-08", "2019-07-01", "U4", carer="F", period=period, rne="S")
    await facts.placement("f", "2019-07-01", "2019-07-15", "T4", carer="R1", period=period, rne="P")
    await facts.placement("f", "2019-07-15", "2022-02-28", "U4", carer="F", period=period, rne="P")
    await facts.placement("f", "2022-02-28", "2022-03-07", "T4", carer="R2", period=period, rne="P")
    await facts.placement("f", "2022-03-07", None, "U4", carer="F", period=period, rne="P")
    kpi = await facts.kpi("placement_stability_long_term", as_of=D_2022)
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_long_term", as_of=D_2022))["f"] == (
        True, True, "with the same carer since 2016-03-08")


async def test_long_term_stability_the_placement_before_an_adoption_by_the_childs_own_foster_carer_is_the_carer_before(facts: Facts):
    # As of 2023-03-31: born 2015, looked after since 2020-09-01 (over 2.5 years). Q from 2020-09-01 (S), A from
    # 2020-11-15 (P), B from 2021-09-26 (P), then placed for adoption with B (A5, T) on 2022-10-01. The adoptive
    # placement and B's foster placement are one placement (since 2021-09-26: 1.5 years); the one before it is
    # A's, from 2020-11-15: together 2 years 4 months, over 2 years: 1 of 1.
    period = await facts.care_period("b", "2020-09-01", born="2015-01-01")
    await facts.placement("b", "2020-09-01", "2020-11-15", "U4", carer="Q", period=period, rne="S")
    await facts.placement("b", "2020-11-15", "2021-09-26", "U4", carer="A", period=period, rne="P")
    await facts.placement("b", "2021-09-26", "2022-10-01", "U4", carer="B", period=period, rne="P")
    await facts.placement("b", "2022-10-01", None, "A5", carer="B", period=period, rne="T")
    kpi = await facts.kpi("placement_stability_long_term", as_of=D_2023)
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_long_term", as_of=D_2023))["b"] == (
        True, True, "placed for adoption; adoptive and previous placement since 2020-11-15")


async def test_missing_children_a_period_that_ended_on_the_windows_first_day_is_outside_it(facts: Facts):
    # As of 2023-03-31 the window starts 2022-04-01. a left care on 2022-04-01 (looked after on d: start <= d <
    # end), so was not looked after in the window: out. b left on 2022-04-02 (looked after on 2022-04-01): in,
    # no episode. c is looked after and went missing in the window. Missing: c; 1 of 2 = 50.0%.
    await facts.care_period("a", "2021-01-01", "2022-04-01")
    await facts.care_period("b", "2021-01-01", "2022-04-02")
    await facts.care_period("c", "2021-01-01")
    await facts.missing("c", "2022-08-01", "2022-08-02")
    kpi = await facts.kpi("missing_children_12m", as_of=D_2023)
    assert (kpi.value, kpi.numerator, kpi.denominator) == (50.0, 1, 2)
    assert "a" not in await facts.children("missing_children_12m", as_of=D_2023)


async def test_rhi_within_72h_counts_hours_where_the_times_of_the_return_and_the_offer_are_both_known(facts: Facts):
    # As of 2025-03-31, missing (M) episodes that ended in the window from 2024-04-01:
    #   returned 2024-05-02 08:00, offered 2024-05-05 16:00: 80 hours, late (by dates, the third day: on time);
    #   returned 2024-06-02 22:00, offered 2024-06-05 22:00: 72 hours exactly, on time;
    #   returned 2024-10-26 12:00 BST, offered 2024-10-29 11:30 GMT (the clocks went back on the 27th): 72.5
    #     hours, late (by the clock on the wall, 71.5);
    #   returned 2024-07-02 (no time), offered 2024-07-05 09:00: one time only, so by dates, the third day: on time.
    # On time: 2 of 4 = 50.0%.
    await facts.care_period("a", "2023-06-01")
    for end, end_time, offered, offered_time in [("2024-05-02", "08:00:00", "2024-05-05", "16:00:00"),
                                                 ("2024-06-02", "22:00:00", "2024-06-05", "22:00:00"),
                                                 ("2024-10-26", "12:00:00", "2024-10-29", "11:30:00"),
                                                 ("2024-07-02", None, "2024-07-05", "09:00:00")]:
        await facts.event("placements.missing-episode-recorded", {
            "episode_id": f"me-{end}", "child_id": "a", "kind": "M", "start_date": end, "end_date": end,
            "end_time": end_time, "rhi_offered_date": offered, "rhi_offered_time": offered_time, "rhi_held_date": None,
            "effective_date": end, "record_version": 1})
    kpi = await facts.kpi("rhi_within_72h")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (50.0, 2, 4)
    reasons = [reason for _, _, reason in await facts.rows("rhi_within_72h")]
    assert "returned 2024-05-02 08:00, interview offered 2024-05-05 16:00 (80.0 hours later)" in reasons
    assert "returned 2024-07-02, interview offered 2024-07-05 (3 days later)" in reasons
