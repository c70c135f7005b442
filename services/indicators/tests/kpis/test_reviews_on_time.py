"""Looked-after reviews held on time (reviews_on_time), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_reviews_are_due_20_working_days_then_3_then_6_months_after_the_one_actually_held(facts):
    # Entered care Wed 1 May 2024; 6 and 27 May are bank holidays, so the 20th working day is Fri 31 May.
    await facts.care_period("r", "2024-05-01")
    await facts.review("r", "2024-05-31")   # review 1, due 31 May: on time
    await facts.review("r", "2024-09-02")   # review 2, due 3 months after 31 May = 31 Aug: 2 days late
    await facts.review("r", "2025-03-01")   # review 3, due 6 months after 2 Sep = 2 Mar 2025: on time
    await facts.care_period("breaks", "2024-05-01", legal_status="V3")
    await facts.review("breaks", "2024-06-01")   # a short-break period: outside
    await facts.care_period("old", "2023-01-02")
    await facts.review("old", "2024-03-01")  # review 1, before the window: not counted, but the next is due from it
    await facts.review("old", "2024-08-01")  # review 2, due 1 Jun 2024: 61 days late
    # Placed for adoption Tue 1 Oct 2024: the intervals start again (20th working day after: Tue 29 Oct).
    adopt = await facts.care_period("adopt", "2023-06-01")
    await facts.placement("adopt", "2023-06-01", "2024-10-01", "U6", period=adopt)
    await facts.placement("adopt", "2024-10-01", None, "A5", period=adopt)
    await facts.review("adopt", "2024-06-01")  # review 1 of the period, due 29 Jun 2023: late
    await facts.review("adopt", "2024-10-20")  # review 1 since placed for adoption, due 29 Oct: on time
    # Short breaks from 2020 until a care order on Mon 3 Jun 2024: the intervals run from then (due Mon 1 Jul).
    breaks = await facts.care_period("breaks_then_care", "2020-01-01", legal_status="V3")
    await facts.legal_status("breaks_then_care", breaks, "2024-06-03", "C2")
    await facts.review("breaks_then_care", "2024-06-20")  # review 1 since 3 Jun: on time
    # 7 reviews held in the window, 4 on time: 57.1%.
    kpi = await facts.kpi("reviews_on_time")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (4, 7, 57.1)
    rows = await facts.rows("reviews_on_time")
    assert ("r", False, "review 2 held 2024-09-02, due 2024-08-31 (2 days late)") in rows
    assert ("old", False, "review 2 held 2024-08-01, due 2024-06-01 (61 days late)") in rows
    assert ("adopt", True, "review 1 since 2024-10-01 held 2024-10-20, due 2024-10-29") in rows
    assert ("breaks_then_care", True, "review 1 since 2024-06-03 held 2024-06-20, due 2024-07-01") in rows
