from datetime import date

import pytest

from indicators_service.calendars import CalendarNotConfigured, SchoolDays, WorkingDays
from indicators_service.settings import DEFAULT_TERM_DATES

WORKING_DAYS = WorkingDays()
SCHOOL_DAYS = SchoolDays.from_file(DEFAULT_TERM_DATES, WORKING_DAYS)


@pytest.mark.parametrize("start, expected", [
    (date(2025, 3, 3), date(2025, 3, 31)),     # four plain weeks
    (date(2025, 12, 19), date(2026, 1, 21)),   # Christmas Day, Boxing Day and New Year's Day skipped
    (date(2025, 4, 11), date(2025, 5, 14)),    # Good Friday, Easter Monday and the early May bank holiday
    (date(2025, 3, 1), date(2025, 3, 28)),     # starting on a Saturday
])
def test_twenty_working_days_skip_weekends_and_england_bank_holidays(start, expected):
    assert WORKING_DAYS.add(start, 20) == expected


def test_school_days_skip_half_term():
    # Notified on the last day before the October 2025 half term (27-31 October).
    assert SCHOOL_DAYS.add(date(2025, 10, 24), 10) == date(2025, 11, 14)


def test_school_days_skip_the_summer_holiday():
    assert SCHOOL_DAYS.add(date(2025, 7, 22), 1) == date(2025, 9, 3)


def test_a_notification_in_the_holidays_counts_from_the_next_term():
    assert SCHOOL_DAYS.add(date(2025, 8, 10), 10) == date(2025, 9, 16)


def test_configured_closures_are_not_school_days(tmp_path):
    config = tmp_path / "terms.toml"
    config.write_text("closures = [2025-09-05]\n[[blocks]]\nstart = 2025-09-03\nend = 2025-09-30\n")
    school_days = SchoolDays.from_file(config, WORKING_DAYS)
    assert not school_days.is_school_day(date(2025, 9, 5))
    assert school_days.add(date(2025, 9, 3), 2) == date(2025, 9, 8)


def test_counting_past_the_configured_terms_is_an_error_not_a_guess():
    with pytest.raises(CalendarNotConfigured):
        SCHOOL_DAYS.add(date(2027, 7, 20), 10)
