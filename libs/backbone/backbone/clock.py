"""Dates as the council sees them: 'today' in England, not in UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(ENGLAND).date()
