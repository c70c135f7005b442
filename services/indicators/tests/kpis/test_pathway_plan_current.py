"""pathway_plan_current: care leavers, and eligible children from 3 months after they became eligible, with a
pathway plan made or reviewed on or after D minus 6 calendar months."""

import pytest

pytestmark = pytest.mark.integration


async def test_plans_within_6_months_and_eligible_children_from_3_months_after_eligibility(facts):
    # D = 31 Mar 2025: D minus 6 months is 30 Sep 2024; D minus 3 months is 31 Dec 2024.
    # Born 1 Jan 2008 (16 on 1 Jan 2024). Looked after since 1 Dec 2024: the 91st day is 1 Dec + 90 = 1 Mar
    # 2025, eligible from then, under 3 months before D: not yet in the population.
    await facts.care_period("eligible-recently", "2024-12-01", born="2008-01-01")
    # Looked after since 2 Oct 2024: the 91st day is 2 Oct + 90 = 31 Dec 2024, exactly 3 months before D: in.
    await facts.care_period("eligible-3-months", "2024-10-02", born="2008-01-01")
    await facts.pathway_plan("eligible-3-months", "2025-01-05", "made")
    # Looked after since the 14th birthday: eligible from the 16th (1 Jan 2024); plan reviewed on 30 Sep 2024.
    await facts.care_period("eligible-long", "2022-01-01", born="2008-01-01")
    await facts.pathway_plan("eligible-long", "2024-09-30", "reviewed")
    # Relevant (left care on 1 Jun 2024): plan made on 29 Sep 2024, one day too early.
    await facts.care_period("relevant-stale", "2022-01-01", "2024-06-01", born="2008-01-01")
    await facts.pathway_plan("relevant-stale", "2024-09-29", "made")
    # Former relevant (19 on D): no plan; another made in 2023 and reviewed on 10 Jan 2025.
    await facts.care_period("former-none", "2020-03-01", "2024-03-01", born="2006-03-01")
    await facts.care_period("former-reviewed", "2020-03-01", "2024-03-01", born="2006-03-01")
    await facts.pathway_plan("former-reviewed", "2023-05-01", "made")
    await facts.pathway_plan("former-reviewed", "2025-01-10", "reviewed")
    # Current: eligible-3-months, eligible-long, former-reviewed: 3 of 5.
    kpi = await facts.kpi("pathway_plan_current")
    assert (kpi.numerator, kpi.denominator) == (3, 5)
    rows = await facts.children("pathway_plan_current")
    assert "eligible-recently" not in rows
    assert rows["eligible-long"] == (True, True, "eligible, 17; pathway plan reviewed 2024-09-30")
    assert rows["relevant-stale"] == (True, False, "relevant, 17; pathway plan made 2024-09-29, more than 6 months before D")
    assert rows["former-none"] == (True, False, "former relevant, 19; no pathway plan recorded")
    assert rows["former-reviewed"] == (True, True, "former relevant, 19; pathway plan reviewed 2025-01-10")
