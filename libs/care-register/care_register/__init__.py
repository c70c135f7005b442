"""Who is and was looked after, learned from the placements service's events.

Health, education and leaving care need to know a child exists, when they entered care and their date of
birth. They learn it from the placements topic (never from the placements database) into these tables.
"""

import dataclasses
from datetime import date

from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone import record_kinds
from backbone.errors import NOT_KNOWN_YET_RESPONSE, InputError, NotKnownYet
from backbone.events import Event
from backbone.projections import apply_latest, apply_latest_many, latest_states
from backbone.writes import File, Row

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


def periods(file: File) -> list[KnownPeriod]:
    """The child's known periods, earliest first (the rules below read them in that order)."""
    return sorted(file.rows(KnownPeriod), key=lambda p: p.start_date)


def known_child(periods: list[KnownPeriod]) -> list[KnownPeriod]:
    """The child's periods; NotKnownYet (503, retry) while none has arrived from the placements service."""
    if not periods:
        raise NotKnownYet("child_id", "unknown child: no period of care has reached this service from the case system yet")
    return periods


# A child's records in a service that learns children from the placements topic: a child whose period of care
# has not arrived yet is a 503 with Retry-After (bulk: retry), never a refusal.
CHILD = dataclasses.replace(record_kinds.CHILD, guard=lambda file: known_child(periods(file)),
                            responses=NOT_KNOWN_YET_RESPONSE)


def period_started_by(periods: list[KnownPeriod], day: date, field: str) -> KnownPeriod:
    """The period of care a record dated ``day`` belongs to: the latest one that had started by then."""
    started = [p for p in known_child(periods) if p.start_date <= day]
    if not started:
        raise InputError(field, f"{day} is before the child entered care ({periods[0].start_date})")
    return started[-1]


def period_of(field: str):
    """A record kind's ``derive``: the period of care a record dated by ``field`` belongs to (care_period_id)."""
    def derive(file: File, fields: dict, other_than: str | None) -> dict:
        return {"care_period_id": period_started_by(periods(file), fields[field], field).care_period_id}
    return derive


def service_app(title: str, tag: str, settings, operations: list, records, scope: str):
    """The app of a service that keeps records about children it learns from the placements topic: their
    record kinds' routes and /bulk, and the consumer that learns the children."""
    from backbone.http import create_service_app  # the app's machinery: not for a consumer that only learns
    from backbone.runtime import ServiceRuntime

    runtime = ServiceRuntime(settings).publish_events().consume_events([PLACEMENTS_TOPIC], learn, learn_many)

    def configure(app):
        for router in record_kinds.write_routers(tag, CHILD, operations, records, scope):
            app.include_router(router)

    return create_service_app(runtime, title, configure)
