"""Long-term placement stability (placement_stability_long_term), fed events through ``facts`` (../conftest.py)."""

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
