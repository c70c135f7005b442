"""Placement type mix (residential share) (placement_type_mix), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_placement_type_mix_puts_every_child_looked_after_in_one_group(facts):
    for child, placement_type, provider in [("a", "U4", "PR1"), ("b", "U4", "PR4"), ("c", "R1", None), ("f", "K2", "PR3")]:
        period = await facts.care_period(child, "2024-01-01")
        await facts.placement(child, "2024-01-01", placement_type=placement_type, provider=provider, period=period)
    period = await facts.care_period("d", "2024-01-01")
    await facts.placement("d", "2024-01-01", "2025-03-31", placement_type="U4", period=period)  # ended on D
    await facts.care_period("e", "2024-01-01", legal_status="V3")  # short breaks: not looked after
    kpi = await facts.kpi("placement_type_mix")
    # 5 children looked after on D; residential (R1, K2 whatever the provider) 2 of 5 = 40.0 %.
    assert (kpi.value, kpi.numerator, kpi.denominator) == (40.0, 2, 5)
    # Each group's share of all 5: the mix adds up to 100 %. d's placement ended on D: "other".
    assert {group: figure.value for group, figure in kpi.breakdown.items()} == {
        "agency foster care": 20.0, "in-house foster care": 20.0, "other": 20.0, "residential": 40.0}
    assert (await facts.children("placement_type_mix"))["d"][2] == "no placement recorded on D"
