"""Placed outside the council and more than 20 miles from home (placed_outside_20_miles), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_placed_outside_20_miles_needs_both_and_keeps_unknown_distances_in_the_denominator(facts):
    for child, located in [("a", {"distance_miles": 20.1, "outside_boundary": True}),   # outside, more than 20: yes
                           ("b", {"distance_miles": 20.0, "outside_boundary": True}),   # exactly 20.0 is not more
                           ("c", {"distance_miles": 35.2, "outside_boundary": False}),  # far, but inside the boundary
                           ("d", {"distance_miles": None, "outside_boundary": True}),   # a postcode unknown
                           ("e", {})]:                                                  # recorded before distances
        period = await facts.care_period(child, "2024-01-01")
        await facts.placement(child, "2024-01-01", period=period, **located)
    kpi = await facts.kpi("placed_outside_20_miles")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (20.0, 1, 5)  # a, of all 5
    assert {group: figure.numerator for group, figure in kpi.breakdown.items()} == {
        "distance unknown": 2, "inside the boundary": 1, "outside, 20 miles or less": 1, "outside, more than 20 miles": 1}
    assert (await facts.children("placed_outside_20_miles"))["b"][2] == "outside, 20 miles or less, 20.0 miles from home"
