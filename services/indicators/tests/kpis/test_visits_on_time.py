"""Statutory visits on time (visits_on_time), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_visits_are_due_a_week_into_a_placement_then_every_6_weeks_or_3_months_when_long_term(facts):
    p = await facts.care_period("new", "2025-03-27")
    await facts.placement("new", "2025-03-27", period=p, placement_type="U6")         # first due 3 Apr: not yet
    p = await facts.care_period("late_first", "2025-03-01")
    await facts.placement("late_first", "2025-03-01", period=p, placement_type="U6")  # first due 8 Mar: overdue
    p = await facts.care_period("six", "2024-12-01")
    await facts.placement("six", "2024-12-01", period=p, placement_type="U6")
    await facts.visit("six", "2024-12-05")
    await facts.visit("six", "2025-02-20")                                            # next due 3 Apr: on time
    p = await facts.care_period("long", "2022-01-01")
    await facts.placement("long", "2023-01-01", period=p, placement_type="U4")        # long-term, over a year old
    await facts.visit("long", "2025-01-15")                                           # next due 15 Apr: on time
    p = await facts.care_period("short", "2022-01-01")
    await facts.placement("short", "2023-01-01", period=p, placement_type="U6")
    await facts.visit("short", "2025-01-15")                                          # next due 26 Feb: overdue
    p = await facts.care_period("moved", "2024-01-01")
    await facts.placement("moved", "2024-01-01", "2025-03-20", period=p, placement_type="U6")
    await facts.placement("moved", "2025-03-20", period=p, placement_type="U6")
    await facts.visit("moved", "2025-03-10")           # in the last placement: the new one's first due 27 Mar
    p = await facts.care_period("same_carer", "2024-01-01")
    await facts.placement("same_carer", "2024-01-01", "2025-02-01", period=p, placement_type="U6", rne="S", carer="X")
    await facts.placement("same_carer", "2025-02-01", "2025-02-03", period=p, placement_type="T1", rne="P",
                          carer="respite")
    await facts.placement("same_carer", "2025-02-03", "2025-03-25", period=p, placement_type="U6", rne="P",
                          carer="X")  # back with X: P, as the carer differs from the respite one
    await facts.placement("same_carer", "2025-03-25", period=p, placement_type="U4", rne="U")  # same carer, long-term
    # The clock runs on with carer X since 2024-01-01 (not from the respite, nor the change to U4), so at the
    # visit the placement was over a year old and is now long-term: next due 3 months later, 10 Apr.
    await facts.visit("same_carer", "2025-01-10")
    # On time: new, six, long, same_carer. 4 of 7: 57.1%.
    kpi = await facts.kpi("visits_on_time")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (4, 7, 57.1)
    children = await facts.children("visits_on_time")
    assert children["long"] == (True, True, "last visited 2025-01-15, next due 2025-04-15")
    assert children["short"] == (True, False, "last visited 2025-01-15, next due 2025-02-26 (33 days overdue)")
    assert children["moved"] == (True, False, "placed 2025-03-20, no visit since; first due 2025-03-27 (4 days overdue)")
    assert children["same_carer"] == (True, True, "last visited 2025-01-10, next due 2025-04-10")


async def test_a_visit_due_on_d_itself_is_on_time_and_one_due_the_day_before_is_not(facts):
    # D = 2025-03-31. Placed 2024-12-01 (U6, not long-term): visits every 6 weeks (42 days).
    # "due_today" last visited 2025-02-17: next due 2025-02-17 + 42 days = 2025-03-31 = D: on time.
    # "due_yesterday" last visited 2025-02-16: next due 2025-03-30: 1 day overdue on D. 1 of 2 = 50%.
    for child, visited in [("due_today", "2025-02-17"), ("due_yesterday", "2025-02-16")]:
        p = await facts.care_period(child, "2024-12-01")
        await facts.placement(child, "2024-12-01", period=p, placement_type="U6")
        await facts.visit(child, visited)
    kpi = await facts.kpi("visits_on_time")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    children = await facts.children("visits_on_time")
    assert children["due_today"] == (True, True, "last visited 2025-02-17, next due 2025-03-31")
    assert children["due_yesterday"] == (True, False, "last visited 2025-02-16, next due 2025-03-30 (1 days overdue)")


async def test_a_placement_that_starts_on_d_is_the_one_whose_first_visit_is_due(facts):
    # D = 2025-03-31. With carer A from 2025-01-01 (visited 2025-01-05), with carer B from D itself: the
    # current placement is B's, its first visit due a week later, 2025-04-07: on time (had A's still counted,
    # the next visit would have been due 2025-01-05 + 42 days = 2025-02-16: overdue). 1 of 1 = 100%.
    p = await facts.care_period("placed_on_d", "2025-01-01")
    await facts.placement("placed_on_d", "2025-01-01", "2025-03-31", period=p, placement_type="U6", carer="A")
    await facts.placement("placed_on_d", "2025-03-31", period=p, placement_type="U6", carer="B")
    await facts.visit("placed_on_d", "2025-01-05")
    kpi = await facts.kpi("visits_on_time")
    assert (kpi.numerator, kpi.denominator) == (1, 1)
    assert (await facts.children("visits_on_time"))["placed_on_d"] == (
        True, True, "placed 2025-03-31, no visit since; first due 2025-04-07")
