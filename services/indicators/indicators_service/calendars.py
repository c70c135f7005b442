"""Working days (England & Wales bank holidays) and school days (a council's term dates)."""

import tomllib
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import holidays


class CalendarNotConfigured(LookupError):
    """Asked to count school days past the last configured term."""


class WorkingDays:
    """Monday to Friday, except England & Wales bank holidays (Wales shares England's)."""

    def __init__(self) -> None:
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is day 0)."""
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        return day


class SchoolDays:
    def __init__(self, blocks: list[tuple[date, date]], closures: list[date], working_days: WorkingDays):
        self._blocks = sorted(blocks)
        self._closures = set(closures)
        self._working_days = working_days

    @classmethod
    def from_file(cls, path: Path, working_days: WorkingDays) -> "SchoolDays":
        config = tomllib.loads(path.read_text())
        return cls([(b["start"], b["end"]) for b in config["blocks"]], config.get("closures", []), working_days)

    @cached_property
    def last_day(self) -> date:
        return self._blocks[-1][1]

    def is_school_day(self, day: date) -> bool:
        return (
            any(start <= day <= end for start, end in self._blocks)
            and day not in self._closures
            and self._working_days.is_working_day(day)
        )

    def add(self, start: date, days: int) -> date:
        """The ``days``-th school day after ``start`` (``start`` itself is day 0)."""
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if day > self.last_day:
                raise CalendarNotConfigured(f"no term dates configured after {self.last_day}")
            counted += self.is_school_day(day)
        return day
