"""The calendar table the KPI queries join: "the Nth working (school) day after S" as they ask it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from backbone.clock import today
from indicators_service.calendars import FIRST_DAY, LAST_DAY, SchoolCalendar, SchoolDays, WorkingDays, calendar_rows
from indicators_service.kpis.engine import KpiEngine, NotComputable
from indicators_service.kpis.registry import KPIS
from indicators_service.settings import DEFAULT_TERM_DATES

pytestmark = pytest.mark.integration


async def nth_day_after(sessions, start: date, days: int, kind: str) -> date | None:
    """The join the KPI queries use (kind: working or school)."""
    async with sessions() as session:
        return (await session.exec(text(f"""
            SELECT due.day FROM calendar_days s
            JOIN calendar_days due ON due.is_{kind}_day AND due.{kind}_days = s.{kind}_days + :n
            WHERE s.day = :start""").bindparams(start=start, n=days))).scalar()


@pytest.mark.parametrize("start, expected", [
    (date(2025, 3, 3), date(2025, 3, 31)),     # four plain weeks
    (date(2025, 12, 19), date(2026, 1, 21)),   # Christmas Day, Boxing Day and New Year's Day skipped
    (date(2025, 4, 11), date(2025, 5, 14)),    # Good Friday, Easter Monday and the early May bank holiday
    (date(2025, 3, 1), date(2025, 3, 28)),     # starting on a Saturday
    (date(1990, 12, 21), date(1991, 1, 23)),   # as far back as the as-of dates go
])
async def test_twenty_working_days_skip_weekends_and_england_bank_holidays(sessions, start, expected):
    assert await nth_day_after(sessions, start, 20, "working") == expected


async def test_school_days_skip_half_term(sessions):
    # Notified on the last day before the October 2025 half term (27-31 October).
    assert await nth_day_after(sessions, date(2025, 10, 24), 10, "school") == date(2025, 11, 14)


async def test_school_days_skip_the_summer_holiday(sessions):
    assert await nth_day_after(sessions, date(2025, 7, 22), 1, "school") == date(2025, 9, 3)


async def test_a_notification_in_the_holidays_counts_from_the_next_term(sessions):
    assert await nth_day_after(sessions, date(2025, 8, 10), 10, "school") == date(2025, 9, 16)


async def test_no_school_day_is_guessed_outside_the_configured_terms(sessions):
    assert await nth_day_after(sessions, date(2028, 7, 19), 10, "school") is None   # after the last term
    assert await nth_day_after(sessions, date(2015, 1, 5), 10, "school") is None    # before the first


def test_configured_closures_are_not_school_days(tmp_path):
    config = tmp_path / "terms.toml"
    config.write_text("closures = [2025-09-05]\n[[blocks]]\nstart = 2025-09-03\nend = 2025-09-30\n")
    working_days = WorkingDays(date(2025, 1, 1), date(2025, 12, 31))
    school_days = SchoolDays.from_file(config, working_days)
    assert not school_days.is_school_day(date(2025, 9, 5))
    rows = {row[0]: row for row in calendar_rows(working_days, school_days)}
    # 3 Sep is school day 1; 4 Sep day 2; 5 Sep closed; 8 Sep (Monday) day 3.
    assert [rows[date(2025, 9, d)][4] for d in (3, 4, 5, 8)] == [1, 2, 2, 3]
    assert rows[date(2025, 9, 5)][3] is False


async def test_the_working_days_cover_every_as_of_the_api_accepts_with_each_years_bank_holidays(sessions):
    async with sessions() as session:
        first, last = (await session.exec(text("SELECT min(day), max(day) FROM calendar_days"))).one()
        # Weekdays that are not working days, per year: bank holidays (or their substitute days).
        off = dict((await session.exec(text("""
            SELECT extract(year FROM day)::int, count(*) FROM calendar_days
            WHERE extract(isodow FROM day) < 6 AND NOT is_working_day GROUP BY 1"""))).all())
    # The API accepts FIRST_DAY to today; due dates fall up to a few weeks later.
    assert (first, last) == (FIRST_DAY, LAST_DAY) and today() + timedelta(days=366) < LAST_DAY
    # England has at least 8 bank holidays a year: the `holidays` package computes them by rule for every
    # year of the table, not only the years before its release.
    assert all(off.get(year, 0) >= 8 for year in range(FIRST_DAY.year, LAST_DAY.year + 1)), off


def test_the_school_calendar_spans_the_shipped_term_dates():
    assert SchoolCalendar.from_file(DEFAULT_TERM_DATES) == SchoolCalendar("term_dates.toml", date(2019, 9, 4), date(2028, 7, 20))


async def test_a_school_day_kpi_has_no_figure_outside_the_school_calendar_and_says_which_and_why(sessions, engine):
    pep, iha = KPIS["pep_initial_on_time"], KPIS["iha_within_20_working_days"]
    short = KpiEngine(engine.settings, SchoolCalendar("short_terms.toml", date(2019, 9, 4), date(2025, 7, 22)))
    async with sessions() as session:
        covered = await short.value(session, pep, date(2025, 7, 22))  # the last school day: computed
        assert covered.gap is None and covered.numerator is not None
        after = await short.value(session, pep, date(2025, 7, 23))
        assert (after.value, after.numerator, after.denominator) == (None, None, None)
        assert "short_terms.toml" in after.gap and "ends on 2025-07-22" in after.gap and after.as_json()["gap"] == after.gap
        with pytest.raises(NotComputable, match="ends on 2025-07-22"):
            await short.children(session, pep, date(2025, 7, 23))
        assert (await short.value(session, iha, date(2025, 9, 1))).gap is None  # working days: not its business
        # Before the calendar: as of 31 December 2020 pep_initial_on_time reads school days from 3 September
        # 2019 (12 months and its 120-day look-back), a day before the first term.
        before = await short.value(session, pep, date(2020, 12, 31))
        assert before.numerator is None and "starts on 2019-09-04" in before.gap
        assert (await short.value(session, pep, date(2021, 1, 1))).gap is None
