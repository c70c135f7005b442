"""HTTP entrypoints for the council's case system."""

import uuid
from datetime import date

from fastapi import APIRouter, Request
from pydantic import Field
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.audit import record_access
from backbone.auth import ApiClient, require_scope
from backbone.codes import code_list
from backbone.errors import InputError
from backbone.idempotency import write_once
from backbone.outbox import publish
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId, RequiredPurpose, StrictBody

from placements_service import domain
from placements_service.models import CarePeriod, Child, Placement

LegalStatus = code_list(domain.CHILD_ENTERED_CARE, "legal_status")
ReasonCeased = code_list(domain.CHILD_LEFT_CARE, "reason_ceased")
PlacementType = code_list(domain.PLACEMENT_STARTED, "placement_type")
Provider = code_list(domain.PLACEMENT_STARTED, "provider")

router = APIRouter(tags=["placements"])
WRITE = "placements:write"
READ = "placements:read"


class CarePeriodStart(StrictBody):
    date_of_birth: date
    start_date: date
    legal_status: LegalStatus


class CarePeriodEnd(StrictBody):
    end_date: date
    reason_ceased: ReasonCeased


class PlacementStart(StrictBody):
    start_date: date
    placement_type: PlacementType
    provider: Provider | None = None
    # An opaque id, never a name: the event contract allows 64 characters, and a name would need spaces.
    carer_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class PlacementEnd(StrictBody):
    end_date: date


async def _periods(session: AsyncSession, child_id: str) -> list[CarePeriod]:
    return list((await session.exec(select(CarePeriod).where(CarePeriod.child_id == child_id))).all())


async def _placements(session: AsyncSession, care_period_id: str) -> list[Placement]:
    return list((await session.exec(select(Placement).where(Placement.care_period_id == care_period_id))).all())


@router.post("/children/{child_id}/care-periods", status_code=201)
async def child_entered_care(
    child_id: ChildId, body: CarePeriodStart, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """A child became looked after."""

    async def write(session: AsyncSession):
        child = await session.get(Child, child_id)
        periods = await _periods(session, child_id)
        domain.check_care_period_start(
            date_of_birth=body.date_of_birth, start_date=body.start_date, child=child, periods=periods
        )
        if child is None:
            child = Child(child_id=child_id, date_of_birth=body.date_of_birth)
            session.add(child)
            await session.flush()  # the period refers to the child row
        period = CarePeriod(
            care_period_id=str(uuid.uuid4()), child_id=child_id, start_date=body.start_date, legal_status=body.legal_status
        )
        session.add(period)
        publish(session, *domain.care_period_event(child, period))
        record_access(session, client, "write", "care_period", child_id, purpose)
        return 201, period.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)


@router.post("/children/{child_id}/care-periods/{care_period_id}/end")
async def child_left_care(
    child_id: ChildId, care_period_id: RecordId, body: CarePeriodEnd, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """A child ceased to be looked after. Their current placement ends on the same date."""

    async def write(session: AsyncSession):
        period = await session.get(CarePeriod, care_period_id)
        if period is None or period.child_id != child_id:
            raise InputError("care_period_id", "no such period of care for this child", "path")
        placements = await _placements(session, care_period_id)
        domain.check_care_period_end(period=period, end_date=body.end_date, placements=placements)
        for placement in placements:
            if placement.end_date is None:
                placement.end_date = body.end_date
                placement.record_version += 1
                session.add(placement)
                publish(session, *domain.placement_event(placement))
        period.end_date, period.reason_ceased = body.end_date, body.reason_ceased
        period.record_version += 1
        session.add(period)
        publish(session, *domain.care_period_event(await session.get(Child, child_id), period))
        record_access(session, client, "write", "care_period", child_id, purpose)
        return 200, period.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)


@router.post("/children/{child_id}/placements", status_code=201)
async def placement_started(
    child_id: ChildId, body: PlacementStart, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """A child moved to a new placement (a new carer). The placement they were in ends on the same date."""

    async def write(session: AsyncSession):
        periods = await _periods(session, child_id)
        if not periods:
            raise InputError("child_id", "unknown child: no period of care is recorded for this child", "path")
        period = domain.open_period(periods)
        placements = await _placements(session, period.care_period_id) if period else []
        replaced = domain.check_placement_start(period=period, start_date=body.start_date, placements=placements)
        if replaced:
            replaced.end_date = body.start_date
            replaced.record_version += 1
            session.add(replaced)
            publish(session, *domain.placement_event(replaced))
        placement = Placement(
            placement_id=str(uuid.uuid4()), care_period_id=period.care_period_id, child_id=child_id,
            start_date=body.start_date, placement_type=body.placement_type, provider=body.provider, carer_id=body.carer_id,
        )
        session.add(placement)
        publish(session, *domain.placement_event(placement))
        record_access(session, client, "write", "placement", child_id, purpose)
        return 201, placement.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)


@router.post("/children/{child_id}/placements/{placement_id}/end")
async def placement_ended(
    child_id: ChildId, placement_id: RecordId, body: PlacementEnd, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    async def write(session: AsyncSession):
        placement = await session.get(Placement, placement_id)
        if placement is None or placement.child_id != child_id:
            raise InputError("placement_id", "no such placement for this child", "path")
        domain.check_placement_end(placement=placement, end_date=body.end_date)
        placement.end_date = body.end_date
        placement.record_version += 1
        session.add(placement)
        publish(session, *domain.placement_event(placement))
        record_access(session, client, "write", "placement", child_id, purpose)
        return 200, placement.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)


@router.get("/children/{child_id}")
async def child_record(child_id: ChildId, request: Request, purpose: RequiredPurpose, client: ApiClient = require_scope(READ)):
    """A child's periods of care and placements, for the case system to reconcile. Audited."""
    async with request.app.state.runtime.sessions() as session:
        child = await session.get(Child, child_id)
        if child is None:
            raise InputError("child_id", "unknown child", "path")
        periods = await _periods(session, child_id)
        placements = (await session.exec(select(Placement).where(Placement.child_id == child_id))).all()
        record_access(session, client, "read", "child", child_id, purpose)
        await session.commit()
    return {
        "child_id": child_id,
        "care_periods": [p.model_dump(mode="json") for p in sorted(periods, key=lambda p: p.start_date)],
        "placements": [p.model_dump(mode="json") for p in sorted(placements, key=lambda p: p.start_date)],
    }
