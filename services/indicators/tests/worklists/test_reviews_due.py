"""Looked-after reviews due (reviews_due), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_the_next_review_is_due_20_working_days_in_then_3_months_then_6_after_the_last_held(facts):
    # Entered care Wed 1 May 2024; 6 and 27 May are bank holidays, so the 20th working day is Fri 31 May.
    await facts.care_period("r", "2024-05-01")
    await facts.care_period("breaks", "2024-05-01", legal_status="V3")      # short breaks: not on the list
    first = "review 1, 20 working days after 2024-05-01"
    assert await facts.work_list("reviews_due", as_of=date(2024, 5, 31)) == [("r", "2024-05-31", 0, False, first)]
    assert await facts.work_list("reviews_due", as_of=date(2024, 6, 1)) == [("r", "2024-05-31", -1, True, first)]
    await facts.review("r", "2024-05-31")   # review 1 held: review 2 due 3 months later, 31 Aug
    assert await facts.work_list("reviews_due", as_of=date(2024, 8, 31)) == [
        ("r", "2024-08-31", 0, False, "review 2, last held 2024-05-31")]
    assert await facts.work_list("reviews_due", as_of=date(2024, 9, 1)) == [
        ("r", "2024-08-31", -1, True, "review 2, last held 2024-05-31")]
    await facts.review("r", "2024-09-02")   # review 2 held 2 days late: review 3 due 6 months after it, 2 Mar 2025
    assert await facts.work_list("reviews_due", as_of=date(2024, 9, 2)) == [
        ("r", "2025-03-02", 181, False, "review 3, last held 2024-09-02")]


async def test_placed_for_adoption_the_reviews_start_again(facts):
    # Placed for adoption Tue 1 Oct 2024: the first review since is due on the 20th working day after, Tue 29 Oct.
    adopt = await facts.care_period("adopt", "2023-06-01")
    await facts.placement("adopt", "2023-06-01", "2024-10-01", "U6", period=adopt)
    await facts.placement("adopt", "2024-10-01", None, "A5", period=adopt)
    await facts.review("adopt", "2024-06-01")
    assert await facts.work_list("reviews_due", as_of=date(2024, 10, 29)) == [
        ("adopt", "2024-10-29", 0, False, "review 1 since 2024-10-01, 20 working days after 2024-10-01")]
