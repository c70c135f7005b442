"""The calendar table the KPI queries join: "the Nth working (school) day after S" as they ask it."""

from datetime import date

import pytest
from sqlalchemy import text

from indicators_service.calendars import SchoolDays, WorkingDays, calendar_rows

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
    assert await nth_day_after(sessions, date(2027, 7, 20), 10, "school") is None   # after the last term
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
