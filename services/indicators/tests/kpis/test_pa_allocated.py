"""Care leavers with a personal adviser (pa_allocated), fed events through ``facts`` (../conftest.py), on the
care-leaver population derived from the care history (populations.CARE_LEAVERS_AT_D): who is eligible,
relevant or former relevant, and who is not, whatever the allocations say."""

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
        True, False, "former relevant, 19; no personal adviser allocated")


async def test_an_eligible_child_counts_from_the_day_they_complete_17_years_4_months(facts):
    # Born 31 Oct 2007: 17 years 4 months are complete on 1 Mar 2025 (February has no 31st), not on 28 Feb.
    await facts.care_period("eligible", "2020-01-01", born="2007-10-31")
    await facts.event("leaving-care.care-leaver-status-recorded", {
        "status_id": "s-eligible", "child_id": "eligible", "status": "eligible", "effective_date": "2024-01-01",
        "record_version": 1})
    assert (await facts.kpi("pa_allocated", as_of=date(2025, 2, 28))).denominator == 0
    assert (await facts.kpi("pa_allocated", as_of=date(2025, 3, 1))).denominator == 1  # 0 of 1: no adviser


async def test_eligible_children_count_from_exactly_17_years_4_months(facts):
    d = date(2025, 3, 15)
    # Born 15 Nov 2007: 17 years and 4 completed months on 15 March 2025 exactly; looked after since 1 Jan
    # 2023 (at 15), so 804 days since the 14th birthday and all of it from the 16th (15 Nov 2023) on: eligible.
    await facts.care_period("exactly-17y4m", "2023-01-01", born="2007-11-15")
    # A day younger: 17 years, 3 months and 27 days on D: not yet counted.
    await facts.care_period("a-day-short", "2023-01-01", born="2007-11-16")
    await facts.care_period("eligible-with-pa", "2023-01-01", born="2007-06-01")
    await facts.allocation("eligible-with-pa", "2024-12-01")
    # Counted: exactly-17y4m (no adviser) and eligible-with-pa: 1 of 2.
    kpi = await facts.kpi("pa_allocated", as_of=d)
    assert (kpi.numerator, kpi.denominator) == (1, 2)
    assert (await facts.children("pa_allocated", as_of=d)) == {
        "exactly-17y4m": (True, False, "eligible, 17; no personal adviser allocated"),
        "eligible-with-pa": (True, True, "eligible, 17; personal adviser allocated"),
    }


async def test_the_13_weeks_since_the_14th_birthday_rule_and_short_breaks(facts):
    """Every young person here has a personal adviser: only the population decides who is counted."""
    async def young_person(child, born, *periods, legal_status="C2"):
        for start, end in periods:
            period = await facts.care_period(child, start, end, born=born, legal_status=legal_status)
        await facts.allocation(child, "2022-01-01")
        return period

    # Left care at 15 (14th birthday 1 Jan 2022, left 1 Jun 2023, 16th birthday 1 Jan 2024): nothing after 16.
    await young_person("left-at-15", "2008-01-01", ("2022-01-01", "2023-06-01"))
    # 14th birthday 1 Jun 2022, 16th 1 Jun 2024. 7 days before the 14th birthday (25 May - 31 May 2022) and 84
    # after the 16th (1 Jun - 23 Aug 2024: 30 + 31 + 23): 13 weeks in all, but only 12 since the 14th: not eligible.
    await young_person("twelve-weeks-since-14", "2008-06-01", ("2022-05-25", "2022-06-01"), ("2024-06-01", "2024-08-24"))
    # The same with a week more after the 16th (1 Jun - 30 Aug 2024: 30 + 31 + 30 = 91 days): relevant at 16.
    await young_person("thirteen-weeks-since-14", "2008-06-01", ("2022-05-25", "2022-06-01"), ("2024-06-01", "2024-08-31"))
    # Looked after only under an agreed series of short breaks (V3) since the 14th birthday.
    await young_person("short-breaks-only", "2008-01-01", ("2022-01-01", None), legal_status="V3")
    # Short breaks (V4) from the 14th birthday, then a care order from 1 Dec 2024: 121 days looked after by
    # 31 March 2025 (31 + 31 + 28 + 31), all after the 16th birthday: eligible at 17 years 6 months.
    period = await young_person("short-breaks-then-care-order", "2007-09-01", ("2021-09-01", None), legal_status="V4")
    await facts.legal_status("short-breaks-then-care-order", period, "2024-12-01", "C2")
    # The same care order from 15 Jan 2025: 17 + 28 + 31 = 76 days by D, under 13 weeks: not yet eligible.
    period = await young_person("care-order-too-recent", "2007-09-01", ("2021-09-01", None), legal_status="V4")
    await facts.legal_status("care-order-too-recent", period, "2025-01-15", "C2")
    # Relevant by the care history, but the council decided they returned home for good: out.
    await young_person("returned-home", "2008-01-01", ("2022-01-01", "2024-06-01"))
    await facts.decision("returned-home", "no_longer_supported", "2024-12-01", reason="returned_home")
    # Left care at 15, but the council supports them as a care leaver: in, by decision.
    await young_person("supported-by-decision", "2008-01-01", ("2022-01-01", "2023-06-01"))
    await facts.decision("supported-by-decision", "relevant", "2024-02-01", reason="qualifying_care_leaver_supported")
    # Relevant by the care history, but has died (a DIED contact before D): out.
    await young_person("died", "2008-01-01", ("2022-01-01", "2024-06-01"))
    await facts.contact("died", "2025-02-01", "DIED")

    kpi = await facts.kpi("pa_allocated")
    assert (kpi.numerator, kpi.denominator) == (3, 3)
    assert {child: reason for child, (_, _, reason) in (await facts.children("pa_allocated")).items()} == {
        "thirteen-weeks-since-14": "relevant, 16; personal adviser allocated",
        "short-breaks-then-care-order": "eligible, 17; personal adviser allocated",
        "supported-by-decision": "relevant, 17 (by decision: qualifying care leaver supported); personal adviser allocated",
    }
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"16": (1, 1), "17-18": (2, 2)}
    # Before the care order's 91st day (1 Dec 2024 + 90 days = 1 March 2025) the short-breaks child was not eligible.
    assert "short-breaks-then-care-order" not in await facts.children("pa_allocated", as_of=date(2025, 2, 28))


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
