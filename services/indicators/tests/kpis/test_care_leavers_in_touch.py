"""care_leavers_in_touch: relevant and former relevant young people (derived from the care history), in touch
when their latest contact says YES; the 21st birthday and support after 21; a corrected period of care
changes who is a care leaver, in the figure and in its month-end history."""

from datetime import date

import pytest
from sqlalchemy import text

from indicators_service.kpis import history as history_module
from indicators_service.kpis.history import History

pytestmark = pytest.mark.integration


async def left_care(facts, child, born, start, end):
    await facts.care_period(child, start, end, born=born)


async def test_in_touch_takes_the_latest_contact_and_follows_the_age_limits(facts):
    # Relevant: born 1 Jun 2007, looked after from the 14th birthday to 1 Dec 2024 (17 years 6 months).
    await left_care(facts, "relevant-17", "2007-06-01", "2021-06-01", "2024-12-01")
    await facts.contact("relevant-17", "2025-03-01", "YES")
    # Still looked after at 17: eligible, outside this KPI (eligible children count in pa_allocated and pathway plans).
    await facts.care_period("eligible-17", "2021-06-01", born="2007-06-01")
    await facts.contact("eligible-17", "2025-03-01", "YES")
    # Former relevant (20 on D; looked after from 14 to the 18th birthday, 1 Jan 2019 - 1 Jan 2023).
    await left_care(facts, "former-no", "2005-01-01", "2019-01-01", "2023-01-01")
    await facts.contact("former-no", "2025-02-01", "NO")
    await left_care(facts, "never-contacted", "2005-01-01", "2019-01-01", "2023-01-01")
    await left_care(facts, "refuses", "2005-01-01", "2019-01-01", "2023-01-01")
    await facts.contact("refuses", "2025-02-01", "REFU")
    await left_care(facts, "yes-then-no", "2005-01-01", "2019-01-01", "2023-01-01")
    await facts.contact("yes-then-no", "2025-01-01", "YES")
    await facts.contact("yes-then-no", "2025-03-01", "NO")
    await left_care(facts, "died", "2005-01-01", "2019-01-01", "2023-01-01")
    await facts.contact("died", "2024-12-01", "YES")
    await facts.contact("died", "2025-02-01", "DIED")  # out from that day
    # 21 on D (born 31 Mar 2004): former relevant until the day before, not on D (no support open).
    await left_care(facts, "21-on-d", "2004-03-31", "2018-03-31", "2022-03-31")
    await facts.contact("21-on-d", "2025-03-01", "YES")
    # 22 on D: former relevant only while a request for support or a programme is open.
    await left_care(facts, "22-with-support", "2003-01-01", "2017-01-01", "2021-01-01")
    await facts.support_after_21("22-with-support", "2024-06-01")
    await facts.contact("22-with-support", "2025-03-10", "YES")
    await left_care(facts, "22-without", "2003-01-01", "2017-01-01", "2021-01-01")
    await facts.contact("22-without", "2025-03-10", "YES")
    await left_care(facts, "22-support-ended", "2003-01-01", "2017-01-01", "2021-01-01")
    await facts.support_after_21("22-support-ended", "2024-01-01", "2025-01-01")
    await facts.contact("22-support-ended", "2025-03-10", "YES")

    # On D: relevant-17, former-no, never-contacted, refuses, yes-then-no, 22-with-support; in touch: 2 of 6.
    kpi = await facts.kpi("care_leavers_in_touch")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (2, 6, 33.3)
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {
        "17-18": (1, 1), "19-21": (0, 4), "22-25": (1, 1)}
    rows = await facts.children("care_leavers_in_touch")
    assert rows["relevant-17"] == (True, True, "relevant, 17; in touch (contact 2025-03-01)")
    assert rows["never-contacted"] == (True, False, "former relevant, 20; no contact recorded")
    assert rows["refuses"] == (True, False, "former relevant, 20; refuses contact (contact 2025-02-01)")
    assert rows["yes-then-no"] == (True, False, "former relevant, 20; not in touch (contact 2025-03-01)")
    assert rows["22-with-support"] == (True, True, "former relevant, 22; in touch (contact 2025-03-10)")
    # The day before the 21st birthday, 21-on-d is former relevant (20) and in touch: 3 of 7.
    kpi = await facts.kpi("care_leavers_in_touch", as_of=date(2025, 3, 30))
    assert (kpi.numerator, kpi.denominator) == (3, 7)


async def test_a_corrected_end_of_care_changes_who_is_a_care_leaver_and_the_history_follows(facts, monkeypatch):
    monkeypatch.setattr(history_module, "today", lambda: date(2025, 3, 31))
    history = History(facts.sessions, facts.engine)
    # Born 1 Jun 2007 (16 on 1 Jun 2023). Looked after from 1 Oct 2024 to 15 Nov 2024: 45 days, under 13 weeks.
    await facts.care_period("corrected", "2024-10-01", "2024-11-15", born="2007-06-01", period_id="cp-corrected")
    await facts.contact("corrected", "2025-02-01", "YES")
    await history.refresh()
    assert await denominators(facts, "care_leavers_in_touch") == {
        date(2024, 10, 31): 0, date(2024, 11, 30): 0, date(2024, 12, 31): 0, date(2025, 1, 31): 0,
        date(2025, 2, 28): 0, date(2025, 3, 31): 0}

    # The case system corrects the end to 15 Jan 2025: 106 days looked after (the 91st day: 1 Oct + 90 = 30 Dec
    # 2024), so eligible on 31 Dec and relevant from the day care ended.
    await facts.care_period("corrected", "2024-10-01", "2025-01-15", born="2007-06-01", period_id="cp-corrected",
                            version=2)
    assert (await facts.children("care_leavers_in_touch"))["corrected"] == (
        True, True, "relevant, 17; in touch (contact 2025-02-01)")
    await history.refresh()
    assert await denominators(facts, "care_leavers_in_touch") == {
        date(2024, 10, 31): 0, date(2024, 11, 30): 0, date(2024, 12, 31): 0, date(2025, 1, 31): 1,
        date(2025, 2, 28): 1, date(2025, 3, 31): 1}
    # Eligible at 17 years 6 months on 31 Dec 2024 (past 17 years 4 months): in pa_allocated from then.
    assert (await denominators(facts, "pa_allocated"))[date(2024, 12, 31)] == 1


async def denominators(facts, kpi_id: str) -> dict[date, int]:
    async with facts.sessions() as session:
        rows = await session.exec(text("SELECT month_end, denominator FROM kpi_history WHERE kpi_id = :k ORDER BY 1")
                                  .bindparams(k=kpi_id))
        return dict(rows.all())
