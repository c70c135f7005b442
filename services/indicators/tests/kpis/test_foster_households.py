"""Approved in-house foster households (foster_households), fed events through ``facts`` (../conftest.py)."""

import itertools

import pytest

pytestmark = pytest.mark.integration
_ids = itertools.count(1)


async def test_foster_households_count_those_approved_on_d_by_category_with_the_years_approvals_and_deregistrations(facts):
    async def approval(household_id, category, start, end=None):
        await facts.event("placements.foster-household-approval-recorded", {
            "approval_id": f"fa{next(_ids)}", "household_id": household_id, "category": category, "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1})

    await approval("h1", "long_term", "2020-01-01")                         # approved on D
    await approval("h2", "short_term", "2024-06-01")                        # approved on D, in the 12 months
    await approval("h3", "short_term", "2019-01-01", "2024-09-01")          # de-registered in the 12 months
    await approval("h4", "short_breaks", "2019-01-01", "2024-03-01")        # de-registered before the window
    await approval("h5", "long_term", "2025-04-02")                         # approved after D
    await approval("h6", "parent_and_child", "2025-03-31", "2025-03-31")    # approved and de-registered on D
    await approval("h7", "short_term", "2018-01-01", "2024-10-01")          # new terms: long term from 1 Oct,
    await approval("h7", "long_term", "2024-10-01")                         # neither an approval nor a de-registration
    await approval("h8", "short_term", "2018-01-01", "2023-01-01")          # left, and came back in the 12 months
    await approval("h8", "short_term", "2024-11-01")
    # On D: h1, h2, h7 (long term), h8. In the 12 months: approved h2, h6, h8; de-registered h3, h6.
    kpi = await facts.kpi("foster_households")
    assert (kpi.value, kpi.tallies) == (4, {"approved_in_the_12_months": 3, "deregistered_in_the_12_months": 2})
    # h4 left before the window: not a row at all; h7's short-term approval ended in it (outside the figure).
    assert {group: f.value for group, f in kpi.breakdown.items()} == {"long term": 2, "short term": 2, "parent and child": 0}
    rows = await facts.rows("foster_households")
    assert ("h7", False, "short term from 2018-01-01 to 2024-10-01 (new terms)") in rows
    assert ("h3", False, "short term from 2019-01-01 to 2024-09-01 (de-registered)") in rows
