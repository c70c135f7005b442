"""Adoption: days from placement order to match (A2) (adoption_a2_days), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_adoption_a2_counts_to_the_match(adopted):
    # A2: a 153, f 0: mean 76.5; only f within 121 days; n has no order or match (reported separately).
    a2 = await adopted.kpi("adoption_a2_days")
    assert (a2.value, a2.numerator, a2.denominator, a2.reported_separately) == (76.5, 1, 2, 1)


async def test_a_match_exactly_121_days_after_the_placement_order_is_within_the_threshold(facts):
    # Both adopted (E11) in the 3 years to D = 2025-03-31. Placement order 2022-01-01; "on" matched 2022-05-02:
    # 30 days to 31 January, +28 (February), +31 (March), +30 (April), +2 = 121 days: within 121. "over"
    # matched 2022-05-03: 122 days, outside. Mean (121 + 122) / 2 = 121.5; 1 of 2 within the threshold.
    for child, match in [("on", "2022-05-02"), ("over", "2022-05-03")]:
        p = await facts.care_period(child, "2021-01-01", "2023-06-01", reason="E11")
        await facts.placement(child, "2021-01-01", "2023-06-01", "A5", carer="y", period=p)
        await facts.adoption(child, p, placement_order="2022-01-01", match=match)
    a2 = await facts.kpi("adoption_a2_days")
    assert (a2.value, a2.numerator, a2.denominator) == (121.5, 1, 2)
    assert (await facts.children("adoption_a2_days"))["on"] == (
        True, True, "placement order 2022-01-01, matched 2022-05-02: 121 days")
