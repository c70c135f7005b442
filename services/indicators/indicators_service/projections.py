"""Facts per child, as the domain events state them, kept with their record versions.

Every event carries the whole record as it now stands, so applying one is an upsert that keeps the
highest record_version: duplicates and late arrivals change nothing. KPIs are computed from these tables.
"""

from datetime import date

from prometheus_client import Counter
from sqlalchemy import Table, text
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.events import Event
from backbone.projections import upsert_latest, upsert_latest_many
from backbone.tables import DeadLetter, ProcessedEvent  # noqa: F401  (same metadata)

TOPICS = ["placements", "health", "education", "leaving-care"]

EVENTS_APPLIED = Counter("cla_events_applied_total", "Domain events applied to the KPI projections", ["event_type"])


class CarePeriod(SQLModel, table=True):
    __tablename__ = "care_periods"
    care_period_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    date_of_birth: date
    start_date: date
    end_date: date | None = None
    legal_status: str
    reason_ceased: str | None = None
    record_version: int


class Placement(SQLModel, table=True):
    __tablename__ = "placements"
    placement_id: str = Field(primary_key=True)
    care_period_id: str
    child_id: str = Field(index=True)
    start_date: date
    end_date: date | None = None
    placement_type: str
    provider: str | None = None
    carer_id: str | None = None
    record_version: int


class InitialHealthAssessment(SQLModel, table=True):
    __tablename__ = "initial_health_assessments"
    assessment_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    completed_date: date
    record_version: int


class VirtualSchoolNotification(SQLModel, table=True):
    __tablename__ = "virtual_school_notifications"
    notification_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    notified_date: date
    record_version: int


class InitialPep(SQLModel, table=True):
    __tablename__ = "initial_peps"
    pep_id: str = Field(primary_key=True)
    notification_id: str = Field(index=True)
    child_id: str
    completed_date: date
    record_version: int


class CareLeaverStatus(SQLModel, table=True):
    __tablename__ = "care_leaver_statuses"
    status_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    status: str
    effective_date: date
    record_version: int


class AdviserAllocation(SQLModel, table=True):
    __tablename__ = "adviser_allocations"
    allocation_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    role: str
    start_date: date
    end_date: date | None = None
    record_version: int


_TABLE_FOR_EVENT: dict[str, Table] = {
    "uk.cla.placements.child-entered-care.v1": CarePeriod.__table__,
    "uk.cla.placements.child-left-care.v1": CarePeriod.__table__,
    "uk.cla.placements.placement-started.v1": Placement.__table__,
    "uk.cla.placements.placement-ended.v1": Placement.__table__,
    "uk.cla.health.initial-health-assessment-completed.v1": InitialHealthAssessment.__table__,
    "uk.cla.education.virtual-school-notified.v1": VirtualSchoolNotification.__table__,
    "uk.cla.education.initial-pep-completed.v1": InitialPep.__table__,
    "uk.cla.leaving-care.care-leaver-status-recorded.v1": CareLeaverStatus.__table__,
    "uk.cla.leaving-care.personal-adviser-allocated.v1": AdviserAllocation.__table__,
}
PROJECTION_TABLES = sorted({t.name for t in _TABLE_FOR_EVENT.values()})


def _row(table: Table, event: Event) -> dict:
    return {
        column.name: date.fromisoformat(value) if (value := event.data[column.name]) and column.type.python_type is date else value
        for column in table.columns
    }


async def apply_event(session: AsyncSession, event: Event) -> None:
    """Consumer handler: event types this service does not use are acknowledged and ignored."""
    table = _TABLE_FOR_EVENT.get(event.type)
    if table is None:
        return
    await upsert_latest(session, table, _row(table, event))
    EVENTS_APPLIED.labels(event.type).inc()


async def apply_events(session: AsyncSession, events: list[Event]) -> None:
    """The same as apply_event for each, in one multi-row upsert per table (the rebuild's fast path)."""
    latest: dict[Table, dict[tuple, dict]] = {}
    for event in events:
        table = _TABLE_FOR_EVENT.get(event.type)
        if table is None:
            continue
        row = _row(table, event)
        key = tuple(row[c.name] for c in table.primary_key.columns)
        kept = latest.setdefault(table, {}).get(key)
        if kept is None or kept["record_version"] < row["record_version"]:  # one statement may touch a row once
            latest[table][key] = row
        EVENTS_APPLIED.labels(event.type).inc()
    for table, rows in latest.items():
        await upsert_latest_many(session, table, list(rows.values()))


async def clear(session: AsyncSession) -> None:
    """Empty the projections and the duplicate guard (tests start each case from nothing with it)."""
    await session.exec(text(f"TRUNCATE {', '.join(PROJECTION_TABLES)}, processed_events"))
