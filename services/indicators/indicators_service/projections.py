"""Facts per child, as the domain events state them, kept with their record versions.

Every event carries the whole record as it now stands, so applying one is an upsert that keeps the
highest record_version: duplicates and late arrivals change nothing. KPIs are computed from these tables.

A projection is declared once: its table (a SQLModel class: name, key, columns) with ``@projection(...)``
naming the event types that feed it. Each column is the event property of the same name
(tests/test_projections.py checks names, types and nullability against each event's contract); a KPI's
sources are the tables its query names (kpis/definition.py).

Each change also notes, in the same transaction, which table changed and the earliest date it touches (the
record's dates before and after the change): the gauges refresh only the KPIs that read a changed table, and
the month-end history is recomputed from that date on (kpis/history.py).
"""

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy import Date, Table, bindparam, func, select, text
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.events import Event
from backbone.projections import apply_latest, apply_latest_many
from backbone.tables import DeadLetter, ProcessedEvent  # noqa: F401  (same metadata)

@dataclass(frozen=True)
class Projection:
    table: Table
    events: tuple[str, ...]  # the event types whose data is a row of the table

    @property
    def key(self) -> str:
        return self.table.primary_key.columns.values()[0].name


PROJECTIONS: dict[str, Projection] = {}  # by table name
_FOR_EVENT: dict[str, Projection] = {}


def projection(*events: str):
    """Declares the SQLModel table class it decorates as the projection of ``events`` (full event types)."""

    def declare(model: type[SQLModel]) -> type[SQLModel]:
        declared = Projection(model.__table__, events)
        if len(declared.table.primary_key.columns) != 1:  # an event names the one record it carries by one id
            raise ValueError(f"{declared.table.name}: a projection has a one-column key")
        for event_type in events:
            if event_type in _FOR_EVENT:
                raise ValueError(f"{event_type} already feeds {_FOR_EVENT[event_type].table.name}")
            _FOR_EVENT[event_type] = declared
        PROJECTIONS[declared.table.name] = declared
        return model

    return declare


# child-left-care.v1 is read as v2 (contracts upcasters.py)
@projection("uk.cla.placements.child-entered-care.v1", "uk.cla.placements.child-left-care.v1",
            "uk.cla.placements.child-left-care.v2")
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


@projection("uk.cla.placements.placement-started.v1", "uk.cla.placements.placement-ended.v1")
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
    distance_miles: float | None = None  # None: a postcode unknown (or a placement recorded before distances)
    outside_boundary: bool | None = None
    reason_new_episode: str | None = None  # 903 RNE; None: not recorded (then the carer id says)


@projection("uk.cla.health.initial-health-assessment-completed.v1")
class InitialHealthAssessment(SQLModel, table=True):
    __tablename__ = "initial_health_assessments"
    assessment_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    completed_date: date
    record_version: int


@projection("uk.cla.education.virtual-school-notified.v1")
class VirtualSchoolNotification(SQLModel, table=True):
    __tablename__ = "virtual_school_notifications"
    notification_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    notified_date: date
    record_version: int


@projection("uk.cla.education.initial-pep-completed.v1")
class InitialPep(SQLModel, table=True):
    __tablename__ = "initial_peps"
    pep_id: str = Field(primary_key=True)
    notification_id: str = Field(index=True)
    child_id: str
    completed_date: date
    record_version: int


@projection("uk.cla.leaving-care.care-leaver-status-recorded.v1")
class CareLeaverStatus(SQLModel, table=True):
    __tablename__ = "care_leaver_statuses"
    status_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    status: str
    effective_date: date
    record_version: int
    reason: str | None = None  # why the decision overrides the care history (None: not recorded)


@projection("uk.cla.leaving-care.personal-adviser-allocated.v1")
class AdviserAllocation(SQLModel, table=True):
    __tablename__ = "adviser_allocations"
    allocation_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    role: str
    start_date: date
    end_date: date | None = None
    record_version: int


@projection("uk.cla.placements.missing-episode-recorded.v1")
class MissingEpisode(SQLModel, table=True):
    __tablename__ = "missing_episodes"
    episode_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    kind: str  # 903 MISSING: M missing, A away without authorisation
    start_date: date
    end_date: date | None = None
    rhi_offered_date: date | None = None
    rhi_held_date: date | None = None
    record_version: int
    # Local times of day of the dates above, where the case system knows them (the 903 has dates only).
    start_time: time | None = None
    end_time: time | None = None
    rhi_offered_time: time | None = None
    rhi_held_time: time | None = None


@projection("uk.cla.placements.social-worker-allocated.v1")
class SocialWorkerAllocation(SQLModel, table=True):
    __tablename__ = "social_worker_allocations"
    allocation_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    worker_id: str
    start_date: date
    end_date: date | None = None
    record_version: int


@projection("uk.cla.placements.legal-status-changed.v1")
class LegalStatusChange(SQLModel, table=True):
    __tablename__ = "legal_status_changes"
    change_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    care_period_id: str = Field(index=True)
    start_date: date
    legal_status: str
    record_version: int


@projection("uk.cla.placements.review-held.v1")
class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    review_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    review_date: date
    record_version: int


@projection("uk.cla.placements.visit-made.v1")
class Visit(SQLModel, table=True):
    __tablename__ = "visits"
    visit_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    visit_date: date
    record_version: int


@projection("uk.cla.placements.conviction-recorded.v1")
class Conviction(SQLModel, table=True):
    __tablename__ = "convictions"
    conviction_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    outcome_date: date
    outcome: str  # conviction | youth_caution
    record_version: int


@projection("uk.cla.placements.adoption-recorded.v1")
class Adoption(SQLModel, table=True):
    __tablename__ = "adoptions"
    adoption_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    care_period_id: str = Field(index=True)
    decision_date: date | None = None
    placement_order_date: date | None = None
    match_date: date | None = None
    placed_date: date | None = None
    adoption_order_date: date | None = None
    record_version: int


@projection("uk.cla.placements.foster-household-approval-recorded.v1")
class FosterHouseholdApproval(SQLModel, table=True):
    """About a household, not a child (no child_id)."""
    __tablename__ = "foster_household_approvals"
    approval_id: str = Field(primary_key=True)
    household_id: str = Field(index=True)
    category: str
    start_date: date
    end_date: date | None = None
    record_version: int


# Leaving care: the leaving care team's records beside the care history.
# The care-leaver population itself is derived from care_periods and legal_status_changes (kpis/populations.py);
# care_leaver_statuses hold the decisions that override it.


@projection("uk.cla.leaving-care.contact-recorded.v1")
class CareLeaverContact(SQLModel, table=True):
    __tablename__ = "care_leaver_contacts"
    contact_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    contact_date: date
    in_touch: str  # 903 IN_TOUCH: YES, NO, DIED, REFU, NREQ, RHOM
    record_version: int


@projection("uk.cla.leaving-care.accommodation-recorded.v1")
class CareLeaverAccommodation(SQLModel, table=True):
    __tablename__ = "care_leaver_accommodation"
    accommodation_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    start_date: date
    accommodation: str  # 903 ACCOM: its second character 1 suitable, 2 not suitable
    record_version: int


@projection("uk.cla.leaving-care.activity-recorded.v1")
class CareLeaverActivity(SQLModel, table=True):
    __tablename__ = "care_leaver_activities"
    activity_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    start_date: date
    activity: str  # 903 ACTIV
    record_version: int


@projection("uk.cla.leaving-care.pathway-plan-recorded.v1")
class PathwayPlan(SQLModel, table=True):
    __tablename__ = "pathway_plans"
    plan_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    plan_date: date
    kind: str  # made | reviewed
    record_version: int


@projection("uk.cla.leaving-care.staying-put-recorded.v1")
class StayingPut(SQLModel, table=True):
    __tablename__ = "staying_put_arrangements"
    arrangement_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    start_date: date
    end_date: date | None = None
    record_version: int


@projection("uk.cla.leaving-care.continuing-support-recorded.v1")
class ContinuingSupport(SQLModel, table=True):
    """From 21 to 25: a request for support or an education/training programme keeps a former relevant young
    person in the population while it is open."""
    __tablename__ = "continuing_support"
    support_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    kind: str  # request_for_support | education_or_training
    start_date: date
    end_date: date | None = None
    record_version: int


PROJECTION_TABLES = sorted(PROJECTIONS)
# The producers of those events: the topics the consumer reads (an event type is uk.cla.<producer>.<name>.vN).
TOPICS = sorted({event_type.split(".")[2] for event_type in _FOR_EVENT})
# Rebuilt with the projections by a replay, so a replay leaves the whole history marked for recomputing.
REBUILT_TABLES = [*PROJECTION_TABLES, "source_changes", "withdrawn_records"]

# The dates a record is about (a date of birth is not: it travels on a period of care, dated by its start).
_DATES = {p.table: [c for c in p.table.columns if c.type.python_type is date and c.name != "date_of_birth"]
          for p in PROJECTIONS.values()}

_NOTE_CHANGE = text("""
    INSERT INTO source_changes (source_table, changed_seq, earliest, history_from)
    VALUES (:table, nextval('public.source_change_seq'), :earliest, :earliest)
    ON CONFLICT (source_table) DO UPDATE SET changed_seq = excluded.changed_seq,
        earliest = least(source_changes.earliest, excluded.earliest),
        history_from = least(source_changes.history_from, excluded.history_from)
""").bindparams(bindparam("earliest", type_=Date))


async def _note_changes(session: AsyncSession, table: Table, rows: list[dict], stored_noted: bool = False) -> None:
    """Note that ``rows`` are being written to ``table``, dated from the earliest date they had or will have.
    ``stored_noted``: the rows they replace were noted when they were written (a rebuild's own earlier batches)."""
    stored = None
    if not stored_noted:
        key = table.columns[PROJECTIONS[table.name].key]
        ids = sa.cast(sa.literal([r[key.name] for r in rows]), sa.ARRAY(sa.String()))  # one parameter, any number
        stored = (await session.exec(
            select(func.least(*[func.min(c) for c in _DATES[table]])).where(key == func.any(ids))
        )).scalar()
    dates = [r[c.name] for r in rows for c in _DATES[table] if r[c.name] is not None]
    earliest = min(d for d in [*dates, stored] if d is not None)
    await session.exec(_NOTE_CHANGE.bindparams(table=table.name, earliest=earliest))


def _table(event: Event) -> Table | None:
    fed = _FOR_EVENT.get(event.type)
    return fed.table if fed else None


def _row(table: Table, event: Event) -> dict:
    return {
        # .get: an optional property an older event may not have (e.g. a placement's distance, a time of day)
        column.name: kind.fromisoformat(value) if (value := event.data.get(column.name)) and (kind := column.type.python_type) in (date, time) else value
        for column in table.columns
    }


async def apply_event(session: AsyncSession, event: Event) -> None:
    """Consumer handler: event types this service does not use are acknowledged and ignored."""
    table = _table(event)
    if table is None:
        return
    row = _row(table, event)
    await _note_changes(session, table, [row])
    await apply_latest(session, table, row, withdrawn=bool(event.data.get("withdrawn")))


async def apply_events(session: AsyncSession, events: list[Event]) -> None:
    """The same as apply_event for each, in one multi-row upsert per table: the rebuild's fast path, into
    copies that only its own earlier batches have written (so what a row replaces is already noted)."""
    latest: dict[Table, dict[tuple, dict]] = {}
    withdrawn: dict[Table, set[str]] = {}
    for event in events:
        table = _table(event)
        if table is None:
            continue
        row = _row(table, event)
        key = tuple(row[c.name] for c in table.primary_key.columns)
        kept = latest.setdefault(table, {}).get(key)
        if kept is None or kept["record_version"] < row["record_version"]:  # one statement may touch a row once
            latest[table][key] = row
            if event.data.get("withdrawn"):
                withdrawn.setdefault(table, set()).add(key[0])
            else:
                withdrawn.get(table, set()).discard(key[0])
    for table, rows in latest.items():
        await _note_changes(session, table, list(rows.values()), stored_noted=True)
        await apply_latest_many(session, table, list(rows.values()), withdrawn.get(table, set()))


async def clear(session: AsyncSession) -> None:
    """Empty the projections and the duplicate guard (tests start each case from nothing with it)."""
    await session.exec(text(f"TRUNCATE {', '.join(REBUILT_TABLES)}, kpi_history, processed_events"))
