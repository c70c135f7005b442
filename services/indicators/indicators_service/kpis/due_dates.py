"""Due-date rules as SQL pieces the KPIs and the work lists share, so a figure and the list of children it
is about never count a deadline two ways (../shared/kpis.md, "Common rules").

Each takes SQL expressions (a column, ``:d``) and returns a SQL expression. Working and school days are read
from ``calendar_days`` (../calendars.py): the day a clock starts is day 0, so "the 20th working day after S"
is the working day whose running count is S's + 20. Calendar months follow PostgreSQL's date arithmetic: a
day past the end of the month it lands in becomes that month's last day (31 May + 3 months = 31 August).
"""


def _count(kind: str, day: str) -> str:
    return f"(SELECT c.{kind}_days FROM calendar_days c WHERE c.day = {day})"


def _nth(kind: str, start: str, n: str | int) -> str:
    return (f"(SELECT due.day FROM calendar_days due WHERE due.is_{kind}_day "
            f"AND due.{kind}_days = {_count(kind, start)} + {n})")


def nth_working_day_after(start: str, n: str | int) -> str:
    """The ``n``th working day after ``start`` (weekends and England & Wales bank holidays skipped)."""
    return _nth("working", start, n)


def working_days_between(start: str, end: str) -> str:
    """Working days after ``start`` up to and including ``end`` (how late, in working days)."""
    return f"({_count('working', end)} - {_count('working', start)})"


def nth_school_day_after(start: str, n: str | int) -> str:
    """The ``n``th school day after ``start`` (the council's term dates); NULL beyond the configured terms."""
    return _nth("school", start, n)


def school_days_between(start: str, end: str) -> str:
    """School days after ``start`` up to and including ``end``."""
    return f"({_count('school', end)} - {_count('school', start)})"


def months_after(day: str, months: str | int) -> str:
    """``months`` calendar months after ``day`` (a review 3 or 6 months after the one before)."""
    return f"CAST({day} + make_interval(months => {months}) AS date)"


def weeks_after(day: str, weeks: str | int) -> str:
    """``weeks`` weeks after ``day`` (a visit within a week, then every 6 weeks)."""
    return f"CAST({day} + make_interval(weeks => {weeks}) AS date)"


def day_aged(born: str, months: str | int) -> str:
    """The first day on which someone born on ``born`` has completed ``months`` months of age (17 years 4
    months: 208): the same day of the month that many months on or, when that month is too short for it, the
    first of the month after (born 31 October: 1 March, not 28 February, as PostgreSQL's age() counts)."""
    reached = f"CAST({born} + make_interval(months => {months}) AS date)"
    return f"({reached} + CASE WHEN extract(day FROM {reached}) < extract(day FROM {born}) THEN 1 ELSE 0 END)"
