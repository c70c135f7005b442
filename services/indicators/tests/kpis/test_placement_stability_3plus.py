"""Children with 3 or more placements in 12 months (placement_stability_3plus), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_stability_counts_placements_in_the_window_including_the_one_current_at_its_start(facts):
    # Three placements touching the window (1 April 2024 - 31 March 2025): counted.
    await facts.care_period("three", "2023-01-01")
    await facts.placement("three", "2023-01-01", "2024-06-01")
    await facts.placement("three", "2024-06-01", "2024-12-01")
    await facts.placement("three", "2024-12-01")
    # The first ended on the window's first day (moved that day): only two in the window.
    await facts.care_period("two", "2023-01-01")
    await facts.placement("two", "2023-01-01", "2024-04-01")
    await facts.placement("two", "2024-04-01", "2024-08-01")
    await facts.placement("two", "2024-08-01")
    # 1 of 2 children looked after on D: 50%.
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    rows = await facts.children("placement_stability_3plus")
    assert rows == {"three": (True, True, "3 placements in the 12 months"), "two": (True, False, "2 placements in the 12 months")}


async def test_temporary_placements_and_returns_to_the_same_carer_are_not_moves(facts):
    await facts.care_period("respite", "2024-05-01")
    await facts.placement("respite", "2024-05-01", "2024-07-01", carer="K1")
    await facts.placement("respite", "2024-07-01", "2024-07-08", placement_type="T1", carer="K9")
    await facts.placement("respite", "2024-07-08", "2024-10-01", carer="K1")
    await facts.placement("respite", "2024-10-01", carer="K2")
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator) == (0, 1)  # carers K1 and K2: two placements


async def test_a_kpi_with_no_children_has_no_value_rather_than_zero(facts):
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (None, 0, 0)


async def test_a_change_recorded_as_the_same_carer_is_not_a_new_placement(facts):
    # No carer ids: the case system's RNE alone says whether the carer changed.
    same = await facts.care_period("same", "2023-01-01")
    await facts.placement("same", "2023-01-01", "2024-06-01", "U6", period=same, rne="S")
    await facts.placement("same", "2024-06-01", "2024-12-01", "U6", period=same, rne="P")   # new carer
    await facts.placement("same", "2024-12-01", None, "A4", period=same, rne="T")           # same carer, now adopting
    new = await facts.care_period("new", "2023-01-01")
    await facts.placement("new", "2023-01-01", "2024-06-01", "U6", period=new, rne="S")
    await facts.placement("new", "2024-06-01", "2024-12-01", "U6", period=new, rne="P")
    await facts.placement("new", "2024-12-01", None, "U6", period=new, rne="B")             # new carer
    # "same": 2 placements in the window, "new": 3. 1 of 2 children: 50%.
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    assert (await facts.children("placement_stability_3plus"))["same"][2] == "2 placements in the 12 months"


async def test_a_child_who_left_and_came_back_counts_every_placement_in_the_window_and_the_one_from_d(facts):
    first = await facts.care_period("back", "2023-01-01", "2024-06-01")
    await facts.placement("back", "2023-01-01", "2024-06-01", "U6", carer="A", period=first)   # touches the window: 1
    again = await facts.care_period("back", "2024-09-01")
    await facts.placement("back", "2024-09-01", "2025-03-31", "U6", carer="B", period=again)   # 2; ends on D
    await facts.placement("back", "2025-03-31", None, "U6", carer="C", period=again,           # 3; the one on D
                          distance_miles=25.0, outside_boundary=True)
    assert (await facts.children("placement_stability_3plus"))["back"] == (True, True, "3 placements in the 12 months")
    in_d, outside, _ = (await facts.children("placed_outside_20_miles"))["back"]
    assert (in_d, outside) == (True, True)  # the placement that started on D, not the one that ended on it


async def test_3plus_counts_the_placement_current_at_the_window_start_whatever_the_rne_of_its_episode(facts):
    # As of 2022-03-31, window 2021-04-01 to 2022-03-31. With W from 2017-06-01 (S), X from 2017-09-06 (P), X
    # again from 2018-01-20 after a move of house (T): X's placement, current at the window's start, is one;
    # Y from 2021-10-01 (P) two; Z from 2022-02-02 (P) three: 3 placements, in the numerator (1 of 1).
    period = await facts.care_period("c", "2017-06-01")
    await facts.placement("c", "2017-06-01", "2017-09-06", "U4", carer="W", period=period, rne="S")
    await facts.placement("c", "2017-09-06", "2018-01-20", "U4", carer="X", period=period, rne="P")
    await facts.placement("c", "2018-01-20", "2021-10-01", "U4", carer="X", period=period, rne="T")
    await facts.placement("c", "2021-10-01", "2022-02-02", "U4", carer="Y", period=period, rne="P")
    await facts.placement("c", "2022-02-02", None, "U4", carer="Z", period=period, rne="P")
    kpi = await facts.kpi("placement_stability_3plus", as_of=date(2022, 3, 31))
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
    assert (await facts.children("placement_stability_3plus", as_of=date(2022, 3, 31)))["c"][2] == "3 placements in the 12 months"
