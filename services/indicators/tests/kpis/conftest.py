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
