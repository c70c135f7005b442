"""Dates as the council sees them: 'today' in England, not in UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from backbone.errors import InputError

ENGLAND = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(ENGLAND).date()


def not_in_future(field: str, value: date) -> None:
    """Records describe what has happened: a date after today is a mistake."""
    if value > today():
        raise InputError(field, f"{value} is in the future")
