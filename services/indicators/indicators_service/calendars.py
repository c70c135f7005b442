"""Working days (England & Wales bank holidays) and school days (a council's term dates), as a table.

KPIs join ``calendar_days`` instead of looping over dates in Python. For each day it holds whether it is a
working day and a school day, and the running count of each up to and including that day, so "the Nth
working day after S" is the working day whose count is S's count + N (S itself is day 0). School-day counts
exist only from the first configured term to the last: no due date is guessed beyond the council's file,
and a KPI that counts school days is not computed as of a date the file does not cover (``SchoolCalendar``).
"""

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import holidays
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)  # the as-of dates the API accepts, and due dates after them


class WorkingDays:
    """Monday to Friday, except England & Wales bank holidays (Wales shares England's)."""

    def __init__(self, first: date = FIRST_DAY, last: date = LAST_DAY) -> None:
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays


def _term_dates(path: Path) -> tuple[list[tuple[date, date]], list[date]]:
    config = tomllib.loads(path.read_text())
    return sorted((b["start"], b["end"]) for b in config["blocks"]), config.get("closures", [])


@dataclass(frozen=True)
class SchoolCalendar:
    """What the council's term dates cover: school days are counted from the first day to the last only."""

    name: str  # the term-dates file's name, as errors and the metric give it
    first_day: date
    last_day: date

    @classmethod
    def from_file(cls, path: Path) -> "SchoolCalendar":
        blocks, _ = _term_dates(path)
        return cls(path.name, blocks[0][0], blocks[-1][1])

    def gap(self, first_needed: date, as_of: date) -> str | None:
        """Why school days from ``first_needed`` to ``as_of`` cannot be counted, or None when they can."""
        if as_of > self.last_day:
            return (f"the school calendar ({self.name}) ends on {self.last_day}: add the next school year's term "
                    f"dates (TERM_DATES_FILE) to compute it as of {as_of}")
        if first_needed < self.first_day:
            return (f"the school calendar ({self.name}) starts on {self.first_day}: as of {as_of} it would count "
                    f"school days from {first_needed}")
        return None


class SchoolDays:
    """Weekdays within the council's teaching blocks, except bank holidays and configured closures."""

    def __init__(self, blocks: list[tuple[date, date]], closures: list[date], working_days: WorkingDays):
        self.blocks = sorted(blocks)
        self._closures = set(closures)
        self._working_days = working_days

    @classmethod
    def from_file(cls, path: Path, working_days: WorkingDays) -> "SchoolDays":
        return cls(*_term_dates(path), working_days)

    @property
    def first_day(self) -> date:
        return self.blocks[0][0]

    @property
    def last_day(self) -> date:
        return self.blocks[-1][1]

    def is_school_day(self, day: date) -> bool:
        return (
            any(start <= day <= end for start, end in self.blocks)
            and day not in self._closures
            and self._working_days.is_working_day(day)
        )


def calendar_rows(working_days: WorkingDays, school_days: SchoolDays) -> list[tuple]:
    """(day, is_working_day, working_days, is_school_day, school_days) from FIRST_DAY to LAST_DAY."""
    rows, working, school = [], 0, 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        is_working = working_days.is_working_day(day)
        is_school = is_working and school_days.is_school_day(day)
        working += is_working
        school += is_school
        known = school_days.first_day <= day <= school_days.last_day
        rows.append((day, is_working, working, is_school, school if known else None))
        day += timedelta(days=1)
    return rows


async def load_calendar(session: AsyncSession, rows: list[tuple]) -> bool:
    """Replace calendar_days with ``rows`` unless it already holds exactly them; True if it was replaced.
    Run at start-up: a new term-dates file or a new bank holiday takes effect without a migration."""
    fingerprint = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
    await session.exec(text("SELECT pg_advisory_xact_lock(hashtext('calendar_days'))"))  # one replica loads it
    stored = (await session.exec(text("SELECT fingerprint FROM calendar_fingerprint"))).scalar()
    if stored == fingerprint:
        return False
    await session.exec(text("DELETE FROM calendar_days"))
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(
        "calendar_days", records=rows,
        columns=["day", "is_working_day", "working_days", "is_school_day", "school_days"])
    await session.exec(text("DELETE FROM calendar_fingerprint"))
    await session.exec(text("INSERT INTO calendar_fingerprint VALUES (:f)").bindparams(f=fingerprint))
    # Due dates may have moved: the KPIs that read the calendar recompute their history from the earliest data.
    await session.exec(text("""
        INSERT INTO source_changes (source_table, changed_seq, earliest, history_from)
        SELECT 'calendar_days', nextval('public.source_change_seq'), min(earliest), min(earliest) FROM source_changes
        HAVING min(earliest) IS NOT NULL
        ON CONFLICT (source_table) DO UPDATE
        SET changed_seq = excluded.changed_seq, earliest = excluded.earliest, history_from = excluded.history_from"""))
    return True
