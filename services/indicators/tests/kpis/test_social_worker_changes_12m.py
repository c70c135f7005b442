"""Children with 2 or more changes of social worker in 12 months (social_worker_changes_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_social_worker_changes_count_new_workers_in_the_window_not_the_first_or_a_return(facts):
    # Window 2024-04-01 to D = 2025-03-31.
    for child in "abc":
        await facts.care_period(child, "2023-01-01")
    await facts.social_worker("a", "W1", "2023-01-01", "2024-05-01")
    await facts.social_worker("a", "W2", "2024-05-01", "2024-09-01")   # change 1
    await facts.social_worker("a", "W3", "2024-09-01")                 # change 2: 2 changes
    await facts.social_worker("b", "W1", "2023-01-01", "2024-03-01")
    await facts.social_worker("b", "W2", "2024-03-01", "2024-06-01")   # before the window: not counted
    await facts.social_worker("b", "W1", "2024-06-01", "2024-07-01")   # change 1 (back to W1: another worker)
    await facts.social_worker("b", "W1", "2024-07-01")                 # the same worker again: not a change
    await facts.social_worker("c", "W5", "2024-06-01")                 # the first allocation: not a change
    kpi = await facts.kpi("social_worker_changes_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (33.3, 1, 3)
    rows = await facts.children("social_worker_changes_12m")
    assert [rows[c][2] for c in "abc"] == ["2 changes of social worker in the 12 months",
                                           "1 change of social worker in the 12 months",
                                           "0 changes of social worker in the 12 months"]


async def test_a_change_on_the_windows_first_day_counts(facts):
    # Window 2024-04-01 to D = 2025-03-31. "edge" changes worker on 2024-04-01 (the window's first day: a
    # change in it) and again on 2024-10-01: 2 changes, in the numerator. "before" changes on 2024-03-31 (the
    # day before the window: not counted) and on 2024-10-01: 1 change. 1 of 2 = 50%.
    for child in ("edge", "before"):
        await facts.care_period(child, "2023-01-01")
    await facts.social_worker("edge", "W1", "2023-01-01", "2024-04-01")
    await facts.social_worker("edge", "W2", "2024-04-01", "2024-10-01")
    await facts.social_worker("edge", "W3", "2024-10-01")
    await facts.social_worker("before", "W1", "2023-01-01", "2024-03-31")
    await facts.social_worker("before", "W2", "2024-03-31", "2024-10-01")
    await facts.social_worker("before", "W3", "2024-10-01")
    kpi = await facts.kpi("social_worker_changes_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (50.0, 1, 2)
    assert (await facts.children("social_worker_changes_12m"))["edge"][2] == "2 changes of social worker in the 12 months"


async def test_a_change_on_d_itself_counts(facts):
    # D = 2025-03-31. W1 from 2023-01-01, W2 from 2024-06-01 (change 1), W3 from D itself (change 2, dated on
    # or before D): 2 changes, in the numerator. 1 of 1 = 100%.
    await facts.care_period("on_d", "2023-01-01")
    await facts.social_worker("on_d", "W1", "2023-01-01", "2024-06-01")
    await facts.social_worker("on_d", "W2", "2024-06-01", "2025-03-31")
    await facts.social_worker("on_d", "W3", "2025-03-31")
    kpi = await facts.kpi("social_worker_changes_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (100.0, 1, 1)
