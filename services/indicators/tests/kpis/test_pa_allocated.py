"""Care leavers with a personal adviser (pa_allocated), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_pa_allocated_covers_care_leavers_and_eligible_children_from_17_years_4_months(facts):
    async def young_person(child, born, status, looked_after, role=None):
        await facts.care_period(child, "2020-01-01", None if looked_after else "2024-06-01", born=born)
        await facts.event("leaving-care.care-leaver-status-recorded", {
            "status_id": f"s-{child}", "child_id": child, "status": status, "effective_date": "2024-01-01", "record_version": 1})
        if role:
            await facts.event("leaving-care.personal-adviser-allocated", {
                "allocation_id": f"al-{child}", "child_id": child, "role": role, "start_date": "2024-01-01",
                "end_date": None, "effective_date": "2024-01-01", "record_version": 1})

    await young_person("leaver-with-pa", "2006-01-01", "former_relevant", False, "personal_adviser")
    await young_person("leaver-without", "2006-01-01", "former_relevant", False)
    await young_person("leaver-with-sw-only", "2006-01-01", "former_relevant", False, "social_worker")
    await young_person("eligible-with-sw", "2007-10-01", "eligible", True, "social_worker")  # 17y5m on D
    await young_person("eligible-too-young", "2008-01-01", "eligible", True)  # 17y2m on D: not counted
    # Counted: the three former relevant (19 on D) and the eligible 17-year-old; with a PA or (still looked
    # after) a social worker: 2 of 4.
    kpi = await facts.kpi("pa_allocated")
    assert (kpi.numerator, kpi.denominator) == (2, 4)
    # By age on D: 17-18 holds the eligible child (1 of 1); 19-21 the three leavers (1 of 3).
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"17-18": (1, 1), "19-21": (1, 3)}
    assert (await facts.children("pa_allocated"))["leaver-with-sw-only"] == (
        True, False, "former relevant, no personal adviser allocated")


async def test_an_eligible_child_counts_from_the_day_they_complete_17_years_4_months(facts):
    # Born 31 Oct 2007: 17 years 4 months are complete on 1 Mar 2025 (February has no 31st), not on 28 Feb.
    await facts.care_period("eligible", "2020-01-01", born="2007-10-31")
    await facts.event("leaving-care.care-leaver-status-recorded", {
        "status_id": "s-eligible", "child_id": "eligible", "status": "eligible", "effective_date": "2024-01-01",
        "record_version": 1})
    assert (await facts.kpi("pa_allocated", as_of=date(2025, 2, 28))).denominator == 0
    assert (await facts.kpi("pa_allocated", as_of=date(2025, 3, 1))).denominator == 1  # 0 of 1: no adviser


async def test_an_eligible_child_exactly_17_years_4_months_old_on_d_is_counted_and_a_day_younger_is_not(facts):
    # D = 2025-03-15. Born 2007-11-15: 17 years 4 months complete on 2025-03-15 = D: counted (0 of 1, no
    # adviser). Born 2007-11-16: complete on 2025-03-16, the day after D: not counted.
    for child, born in [("exactly", "2007-11-15"), ("a_day_young", "2007-11-16")]:
        await facts.care_period(child, "2020-01-01", born=born)
        await facts.event("leaving-care.care-leaver-status-recorded", {
            "status_id": f"s-{child}", "child_id": child, "status": "eligible", "effective_date": "2024-01-01",
            "record_version": 1})
    kpi = await facts.kpi("pa_allocated", as_of=date(2025, 3, 15))
    assert (kpi.numerator, kpi.denominator) == (0, 1)
    assert set(await facts.children("pa_allocated", as_of=date(2025, 3, 15))) == {"exactly"}


async def test_an_adviser_counts_from_the_day_allocated_until_the_day_the_allocation_ends(facts):
    # D = 2025-03-31; two former relevant care leavers (born 2006-01-01: 19 on D; care ended 2024-06-01).
    # "from_d": a personal adviser from D itself (start <= D): counted. "ends_on_d": one from 2024-01-01
    # ending on D (open on D only while D < end): not counted. 1 of 2.
    for child, start, end in [("from_d", "2025-03-31", None), ("ends_on_d", "2024-01-01", "2025-03-31")]:
        await facts.care_period(child, "2020-01-01", "2024-06-01", born="2006-01-01")
        await facts.event("leaving-care.care-leaver-status-recorded", {
            "status_id": f"s-{child}", "child_id": child, "status": "former_relevant", "effective_date": "2024-06-01",
            "record_version": 1})
        await facts.event("leaving-care.personal-adviser-allocated", {
            "allocation_id": f"al-{child}", "child_id": child, "role": "personal_adviser", "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1})
    kpi = await facts.kpi("pa_allocated")
    assert (kpi.numerator, kpi.denominator) == (1, 2)
    assert (await facts.children("pa_allocated"))["from_d"][:2] == (True, True)
