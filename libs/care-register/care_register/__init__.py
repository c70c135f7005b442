"""Who is and was looked after, learned from the placements service's events.

Health, education and leaving care need to know a child exists, when they entered care and their date of
birth. They learn it from the placements topic (never from the placements database) into these tables.
"""

import dataclasses
from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.errors import InputError, NotKnownYet
from backbone.events import Event
from backbone.projections import apply_latest, apply_latest_many, latest_states
from backbone.writes import Row

PLACEMENTS_TOPIC = "placements"
_CARE_PERIOD_EVENTS = {"uk.cla.placements.child-entered-care.v1", "uk.cla.placements.child-left-care.v1",
                       "uk.cla.placements.child-left-care.v2"}  # v1 is read as v2 (event_contracts.upcasters)


class KnownCarePeriod(SQLModel, table=True):
    __tablename__ = "known_care_periods"
    care_period_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    date_of_birth: date
    start_date: date
    end_date: date | None = None
    record_version: int


def create_tables_v1() -> None:
    """For a service's Alembic migration."""
    op.create_table(
        "known_care_periods",
        sa.Column("care_period_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def _known_period(event: Event) -> tuple[dict, bool]:
    d = event.data
    return {
        "care_period_id": d["care_period_id"],
        "child_id": d["child_id"],
        "date_of_birth": date.fromisoformat(d["date_of_birth"]),
        "start_date": date.fromisoformat(d["start_date"]),
        "end_date": date.fromisoformat(d["end_date"]) if d["end_date"] else None,
        "record_version": d["record_version"],
    }, bool(d.get("withdrawn"))


async def learn(session: AsyncSession, event: Event) -> None:
    """Consumer handler for the placements topic; other placements events are not needed here."""
    if event.type in _CARE_PERIOD_EVENTS:
        row, withdrawn = _known_period(event)
        await apply_latest(session, KnownCarePeriod.__table__, row, withdrawn=withdrawn)


async def learn_many(session: AsyncSession, events: list[Event]) -> None:
    """learn for a batch of events, in a few statements whatever its size (the consumer's batch handler)."""
    table = KnownCarePeriod.__table__
    rows, withdrawn = latest_states(table, [_known_period(e) for e in events if e.type in _CARE_PERIOD_EVENTS])
    if rows:
        await apply_latest_many(session, table, rows, withdrawn)


# The write path (backbone.writes): the known periods as rows in a child's file, and the rules on them.

@dataclasses.dataclass(slots=True)
class KnownPeriod(Row):
    """A period of care as learnt from the placements topic; read only here (the consumer writes it)."""

    TABLE = "known_care_periods"
    KEY = ("care_period_id",)
    care_period_id: str
    child_id: str
    date_of_birth: date
    start_date: date
    end_date: date | None
    record_version: int


def by_child(periods: list[KnownPeriod], child_ids: list[str]) -> dict[str, list[KnownPeriod]]:
    """Known periods per child, earliest first (the rules below read them in that order)."""
    grouped: dict[str, list[KnownPeriod]] = {child_id: [] for child_id in child_ids}
    for period in sorted(periods, key=lambda p: p.start_date):
        grouped[period.child_id].append(period)
    return grouped


def known_child(periods: list[KnownPeriod]) -> list[KnownPeriod]:
    """The child's periods; NotKnownYet (503, retry) while none has arrived from the placements service."""
    if not periods:
        raise NotKnownYet("child_id", "unknown child: no period of care has reached this service from the case system yet")
    return periods


def period_started_by(periods: list[KnownPeriod], day: date, field: str) -> KnownPeriod:
    """The period of care a record dated ``day`` belongs to: the latest one that had started by then."""
    started = [p for p in known_child(periods) if p.start_date <= day]
    if not started:
        raise InputError(field, f"{day} is before the child entered care ({periods[0].start_date})")
    return started[-1]
