"""Month-end history: complete from the earliest record, and recomputed for exactly the months and KPIs a
late or corrected record can change."""

import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from backbone.events import Event
from indicators_service.kpis import history as history_module
from indicators_service.kpis.history import History, month_ends
from indicators_service.kpis.registry import KPIS, affected_by
from indicators_service.projections import apply_event, clear

pytestmark = pytest.mark.integration
TODAY = date(2026, 2, 15)  # the last complete month is January 2026
READING_CARE_PERIODS = len(affected_by({"care_periods"}))  # the KPIs a period of care can change


@pytest.fixture
async def history(sessions, engine, monkeypatch):
    monkeypatch.setattr(history_module, "today", lambda: TODAY)
    async with sessions() as session, session.begin():
        await clear(session)
    return History(sessions, engine)


async def apply(sessions, kind: str, data: dict) -> None:
    event = Event(str(uuid.uuid4()), "/test", f"uk.cla.{kind}.v1", data["child_id"], datetime.now(timezone.utc), data)
    async with sessions() as session, session.begin():
        await apply_event(session, event)


def period(child, start, end=None, version=1):
    return {"care_period_id": f"cp-{child}", "child_id": child, "date_of_birth": "2012-01-01", "start_date": start,
            "end_date": end, "legal_status": "C2", "reason_ceased": "E13" if end else None,
            "effective_date": end or start, "record_version": version}


async def stored(sessions, kpi_id: str) -> dict[date, int | None]:
    async with sessions() as session:
        rows = await session.exec(text("SELECT month_end, numerator FROM kpi_history WHERE kpi_id = :k ORDER BY 1")
                                  .bindparams(k=kpi_id))
        return dict(rows.all())


def test_month_ends_run_from_the_first_month_to_the_last():
    assert month_ends(date(2024, 11, 15), date(2025, 2, 28)) == [
        date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28)]


async def test_history_starts_at_the_earliest_record_and_equals_the_kpi_as_of_each_month_end(sessions, engine, history):
    await apply(sessions, "placements.child-entered-care", period("h1", "2025-06-10"))
    await apply(sessions, "placements.child-entered-care", period("h2", "2025-09-01", "2025-11-20"))
    # June 2025 to January 2026 is 8 month-ends, for each KPI that reads care_periods.
    assert await history.refresh() == READING_CARE_PERIODS * 8
    cla = await stored(sessions, "cla_count")
    assert list(cla) == month_ends(date(2025, 6, 1), date(2026, 1, 31))
    # h1 from June; h2 from September to 20 November (not looked after on 30 November).
    assert list(cla.values()) == [1, 1, 1, 2, 2, 1, 1, 1]
    async with sessions() as session:
        for month_end, numerator in cla.items():
            assert (await engine.value(session, KPIS["cla_count"], month_end)).numerator == numerator
    assert await history.refresh() == 0  # nothing changed: nothing recomputed


async def test_a_late_record_recomputes_only_its_months_and_the_kpis_that_read_it(sessions, history):
    await apply(sessions, "placements.child-entered-care", period("h1", "2024-06-10"))
    await history.refresh()
    # An IHA recorded late, dated 2 December 2025: only IHA timeliness reads it; December and January.
    await apply(sessions, "health.initial-health-assessment-completed", {
        "assessment_id": "late-iha", "child_id": "h1", "completed_date": "2025-12-02",
        "effective_date": "2025-12-02", "record_version": 1})
    assert await history.refresh() == 2


async def test_a_correction_recomputes_from_the_earlier_of_the_old_and_new_dates(sessions, history):
    await apply(sessions, "placements.child-entered-care", period("h1", "2025-03-03"))
    await history.refresh()
    assert (await stored(sessions, "cla_count"))[date(2025, 4, 30)] == 1
    # Corrected: care began in October, not March. March to September must change back to 0, so every
    # month from March 2025 (the old date) to January 2026 is recomputed: 11 months of each such KPI.
    await apply(sessions, "placements.child-entered-care", period("h1", "2025-10-06", version=2))
    assert await history.refresh() == 11 * READING_CARE_PERIODS
    cla = await stored(sessions, "cla_count")
    assert [cla[date(2025, 4, 30)], cla[date(2025, 10, 31)]] == [0, 1]


async def test_a_new_month_end_is_added_as_the_calendar_moves_on(sessions, history, monkeypatch):
    await apply(sessions, "placements.child-entered-care", period("h1", "2025-12-01"))
    assert await history.refresh() == READING_CARE_PERIODS * 2  # December, January
    monkeypatch.setattr(history_module, "today", lambda: date(2026, 3, 2))
    assert await history.refresh() == READING_CARE_PERIODS * 1  # February


async def test_a_month_the_school_calendar_does_not_cover_is_not_stored(sessions, history):
    # pep_initial_on_time as of 31 December 2020 would count school days from 3 September 2019 (its 12-month
    # window less its 120-day look-back), the day before the shipped term dates begin (4 September 2019):
    # no figure, so no row (never an empty one). As of 31 January 2021 they cover it.
    await history.recompute(KPIS["pep_initial_on_time"], [date(2020, 12, 31), date(2021, 1, 31)])
    assert list(await stored(sessions, "pep_initial_on_time")) == [date(2021, 1, 31)]
