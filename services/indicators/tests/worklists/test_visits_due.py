"""Statutory visits due (visits_due), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_a_visit_is_due_a_week_into_a_placement_then_every_6_weeks_or_3_months_when_long_term(facts):
    p = await facts.care_period("new", "2025-03-01")
    await facts.placement("new", "2025-03-01", period=p, placement_type="U6")     # first visit due 8 Mar
    p = await facts.care_period("short", "2022-01-01")
    await facts.placement("short", "2023-01-01", period=p, placement_type="U6")
    await facts.visit("short", "2025-01-15")                                      # next due 6 weeks later, 26 Feb
    p = await facts.care_period("long", "2022-01-01")
    await facts.placement("long", "2023-01-01", period=p, placement_type="U4")    # long-term, over a year old
    await facts.visit("long", "2025-01-15")                                       # next due 3 months later, 15 Apr
    await facts.care_period("breaks", "2025-01-01", legal_status="V3")            # short breaks: not on the list
    new = "placed 2025-03-01, no visit since"
    assert await facts.work_list("visits_due", as_of=date(2025, 3, 8)) == [
        ("short", "2025-02-26", -10, True, "last visited 2025-01-15"), ("new", "2025-03-08", 0, False, new),
        ("long", "2025-04-15", 38, False, "last visited 2025-01-15")]
    assert (await facts.work_list("visits_due", as_of=date(2025, 3, 9), due_within=0))[1] == (
        "new", "2025-03-08", -1, True, new)
    # A visit moves the next one on: visited 9 Mar, due again 6 weeks later (20 Apr).
    await facts.visit("new", "2025-03-09")
    assert await facts.work_list("visits_due", as_of=date(2025, 3, 9), due_within=0) == [
        ("short", "2025-02-26", -11, True, "last visited 2025-01-15")]
    assert ("new", "2025-04-20", 42, False, "last visited 2025-03-09") in await facts.work_list(
        "visits_due", as_of=date(2025, 3, 9))
