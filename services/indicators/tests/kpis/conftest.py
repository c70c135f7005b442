"""Scenarios that several KPIs are read from (the same children counted by two or three related KPIs), each
posted through ``facts`` (../conftest.py). A KPI's own scenario stays in its test module."""

import pytest


@pytest.fixture
async def started_in_the_window(facts):
    # Window: 1 April 2024 to 31 March 2025.
    await facts.care_period("new", "2024-05-01")                                     # started in it
    await facts.care_period("before", "2023-05-01")                                  # started before it
    await facts.care_period("short", "2024-06-01", legal_status="V3")                # short breaks: never counted
    await facts.care_period("twice", "2024-04-10", "2024-06-01")                     # started twice: counted once
    await facts.care_period("twice", "2024-09-01")
    return facts


@pytest.fixture
async def ceased_in_the_window(started_in_the_window):
    facts = started_in_the_window

    async def ceased(child, end, reason):
        await facts.event("placements.child-left-care", {
            "care_period_id": f"cp-{child}-{end}", "child_id": child, "date_of_birth": "2012-01-01",
            "start_date": "2022-01-01", "end_date": end, "legal_status": "C2", "reason_ceased": reason,
            "effective_date": end, "record_version": 1})

    await ceased("adopted", "2024-08-01", "E11")
    await ceased("sgo", "2024-09-01", "E45")
    await ceased("home", "2025-03-31", "E4A")      # ceased on D itself: in the window
    await ceased("old", "2024-03-31", "E11")       # the day before the window: out
    # Ceased: twice (1 June, E13 by facts.care_period), adopted, sgo, home = 4; 1 adopted of 4 = 25%.
    return facts


@pytest.fixture
async def missing_and_away(facts):
    # Window: 2024-04-01 to D = 2025-03-31.
    for child in "abcde":
        await facts.care_period(child, "2023-06-01")
    await facts.care_period("f", "2024-01-01", legal_status="V3")    # short breaks: not looked after
    await facts.missing("a", "2024-06-01", "2024-06-02")               # missing
    await facts.missing("a", "2024-09-01", "2024-09-03")               # missing again: still one child
    await facts.missing("b", "2024-07-01", "2024-07-01", kind="A")     # away only
    await facts.missing("c", "2024-03-30", "2024-04-02")               # began before the window, ran into it
    await facts.missing("d", "2024-03-01", "2024-03-05")               # before the window
    await facts.missing("f", "2024-06-01", "2024-06-02")               # not looked after
    return facts


@pytest.fixture
async def adopted(facts):
    a = await facts.care_period("a", "2021-01-01", "2024-06-01", reason="E11")
    await facts.placement("a", "2021-01-01", "2022-01-01", "U6", carer="x", period=a)
    await facts.placement("a", "2022-01-01", "2024-06-01", "A5", carer="y", period=a, rne="P")
    await facts.adoption("a", a, placement_order="2021-06-01", match="2021-11-01")      # A2: 153 days
    # Adopted by their own foster carer: A1 runs to the start of the placement with that carer.
    f = await facts.care_period("f", "2021-01-01", "2024-01-01", reason="E12")
    await facts.placement("f", "2021-01-01", "2021-03-01", "U6", carer="x", period=f)
    await facts.placement("f", "2021-03-01", "2022-08-01", "U6", carer="z", period=f)
    await facts.placement("f", "2022-08-01", "2022-08-05", "T1", carer="r", period=f)       # respite: not a move
    await facts.placement("f", "2022-08-05", "2023-01-01", "U6", carer="z", period=f, rne="P")  # back with z
    await facts.placement("f", "2023-01-01", "2024-01-01", "A6", period=f, rne="T")
    await facts.adoption("f", f, placement_order="2022-06-01", match="2022-05-01")      # matched first: 0 days
    n = await facts.care_period("n", "2023-01-01", "2024-02-01", reason="E11")          # no adoptive placement
    await facts.placement("n", "2023-01-01", "2024-02-01", "U6", period=n)
    old = await facts.care_period("old", "2018-01-01", "2021-06-01", reason="E11")      # over 3 years before D
    await facts.placement("old", "2018-01-01", "2021-06-01", "A3", period=old)
    return facts


@pytest.fixture
async def oc3_year(facts):
    """The annual 903 reading's cohort for the year to 31 March 2025 (1 April 2024 - 31 March 2025)."""
    # 19 on 10 Jan 2025; looked after from the 14th to the 18th birthday. A YES contact on 1 Nov 2024 (the
    # window: 10 Oct 2024 - 10 Feb 2025); on the birthday in independent living (U1, suitable) and working (F5).
    await facts.care_period("turned-19", "2020-01-10", "2024-01-10", born="2006-01-10")
    await facts.contact("turned-19", "2024-11-01", "YES")
    await facts.accommodation("turned-19", "2024-06-01", "U1")
    await facts.activity("turned-19", "2024-06-01", "F5")
    # 20 on 1 Feb 2025; the only YES contact on 15 Oct 2024, before the window (1 Nov 2024 - 1 Mar 2025): not
    # in touch, so their suitable accommodation is "not known".
    await facts.care_period("turned-20-contact-too-early", "2019-02-01", "2023-02-01", born="2005-02-01")
    await facts.contact("turned-20-contact-too-early", "2024-10-15", "YES")
    await facts.accommodation("turned-20-contact-too-early", "2024-01-01", "U1")
    # 17 on 1 Jun 2024, having left care on 1 May 2024 (16 years 11 months): relevant at 17. In touch (20 Jun
    # 2024), with parents (B2, unsuitable), not in education, employment or training (G5).
    await facts.care_period("turned-17-relevant", "2021-06-01", "2024-05-01", born="2007-06-01")
    await facts.contact("turned-17-relevant", "2024-06-20", "YES")
    await facts.accommodation("turned-17-relevant", "2024-05-01", "B2")
    await facts.activity("turned-17-relevant", "2024-05-01", "G5")
    # 17 on 1 Mar 2025 and still looked after: eligible, not in the return's cohort.
    await facts.care_period("turned-17-looked-after", "2021-03-01", born="2008-03-01")
    # 22 in the year: outside the 17th-21st birthdays.
    await facts.care_period("turned-22", "2017-01-01", "2021-01-01", born="2003-01-01")
    await facts.contact("turned-22", "2025-01-15", "YES")
    # 21 on 20 Mar 2025; a YES contact on 15 Apr 2025, within a month after the birthday and before 30 April:
    # counted from the day it is dated, not on 31 March.
    await facts.care_period("turned-21", "2018-03-20", "2022-03-20", born="2004-03-20")
    await facts.contact("turned-21", "2025-04-15", "YES")
    return facts
