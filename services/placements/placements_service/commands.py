"""What the case system can tell the placements service, and what each command does: check the rules
(domain.py) against what is stored, store the new state, and stage its event in the outbox, all in the
caller's transaction. HTTP (api.py) and bulk (bulk.py) both call these; neither holds a rule of its own."""

import uuid
from datetime import date

from pydantic import Field
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.bulk import Command
from backbone.codes import code_list
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw, withdraw_record
from backbone.errors import InputError
from backbone.outbox import publish
from backbone.requests import StrictBody

from placements_service import domain
from placements_service.models import CarePeriod, Child, Placement

LegalStatus = code_list(domain.CHILD_ENTERED_CARE, "legal_status")
ReasonCeased = code_list(domain.CHILD_LEFT_CARE, "reason_ceased")
PlacementType = code_list(domain.PLACEMENT_STARTED, "placement_type")
Provider = code_list(domain.PLACEMENT_STARTED, "provider")
CarerId = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")  # opaque, never a name

Result = tuple[int, dict]  # (HTTP-style status, the record as stored)


class CarePeriodStart(StrictBody):
    date_of_birth: date
    start_date: date
    legal_status: LegalStatus


class CarePeriodEnd(StrictBody):
    end_date: date
    reason_ceased: ReasonCeased


class PlacementStart(StrictBody):
    start_date: date
    # Given for a placement recorded late (it has already ended): it slots into the child's history.
    end_date: date | None = None
    placement_type: PlacementType
    provider: Provider | None = None
    # An opaque id, never a name: the event contract allows 64 characters, and a name would need spaces.
    carer_id: str | None = CarerId


class PlacementEnd(StrictBody):
    end_date: date


class PlacementCorrection(Change):
    """The fields to correct (those sent, and only those, change; end_date null reopens the placement)."""
    start_date: date | None = None
    end_date: date | None = None
    placement_type: PlacementType | None = None
    provider: Provider | None = None
    carer_id: str | None = CarerId


class CarePeriodCorrection(Change):
    """The fields to correct (those sent, and only those, change; end_date null reopens the period)."""
    start_date: date | None = None
    end_date: date | None = None
    legal_status: LegalStatus | None = None
    reason_ceased: ReasonCeased | None = None


async def _periods(session: AsyncSession, child_id: str) -> list[CarePeriod]:
    """The child's periods of care, withdrawn ones left out (as everywhere below)."""
    return list((await session.exec(select(CarePeriod).where(CarePeriod.child_id == child_id, ~CarePeriod.withdrawn))).all())


async def _placements(session: AsyncSession, care_period_id: str) -> list[Placement]:
    return list((await session.exec(
        select(Placement).where(Placement.care_period_id == care_period_id, ~Placement.withdrawn))).all())


async def enter_care(session: AsyncSession, child_id: str, body: CarePeriodStart) -> Result:
    """A child became looked after."""
    child = await session.get(Child, child_id)
    periods = await _periods(session, child_id)
    if child is not None and not periods:  # every period withdrawn as entered in error: its birth date may be too
        child.date_of_birth = body.date_of_birth
    domain.check_care_period_start(date_of_birth=body.date_of_birth, start_date=body.start_date, child=child, periods=periods)
    if child is None:
        child = Child(child_id=child_id, date_of_birth=body.date_of_birth)
        session.add(child)
        await session.flush()  # the period refers to the child row
    period = CarePeriod(care_period_id=str(uuid.uuid4()), child_id=child_id, start_date=body.start_date,
                        legal_status=body.legal_status)
    session.add(period)
    publish(session, *domain.care_period_event(child, period))
    return 201, period.model_dump(mode="json")


async def leave_care(session: AsyncSession, child_id: str, care_period_id: str, body: CarePeriodEnd) -> Result:
    """A child ceased to be looked after. Their current placement ends on the same date."""
    period = await session.get(CarePeriod, care_period_id)
    if period is None or period.child_id != child_id or period.withdrawn:
        raise InputError("care_period_id", "no such period of care for this child", "path")
    placements = await _placements(session, care_period_id)
    domain.check_care_period_end(period=period, end_date=body.end_date, placements=placements)
    for placement in placements:
        if placement.end_date is None:
            placement.end_date = body.end_date
            next_version(placement)
            session.add(placement)
            publish(session, *domain.placement_event(placement))
    period.end_date, period.reason_ceased = body.end_date, body.reason_ceased
    next_version(period)
    session.add(period)
    publish(session, *domain.care_period_event(await session.get(Child, child_id), period))
    return 200, period.model_dump(mode="json")


async def start_placement(session: AsyncSession, child_id: str, body: PlacementStart) -> Result:
    """A child moved to a new placement (a new carer): the placement they were in ends on the same date. With
    an end date, a placement recorded late: it slots into the child's history if it overlaps nothing."""
    periods = await _periods(session, child_id)
    if not periods:
        raise InputError("child_id", "unknown child: no period of care is recorded for this child", "path")
    if body.end_date is not None:
        period = domain.period_holding(periods, body.start_date, body.end_date)
        if period is None:
            raise InputError("start_date", "no period of care of this child holds these dates")
        domain.check_placement_record(start_date=body.start_date, end_date=body.end_date, period=period,
                                      others=await _placements(session, period.care_period_id))
        replaced = None
    else:
        period = domain.open_period(periods)
        placements = await _placements(session, period.care_period_id) if period else []
        replaced = domain.check_placement_start(period=period, start_date=body.start_date, placements=placements)
    if replaced:
        replaced.end_date = body.start_date
        next_version(replaced)
        session.add(replaced)
        publish(session, *domain.placement_event(replaced))
    placement = Placement(
        placement_id=str(uuid.uuid4()), care_period_id=period.care_period_id, child_id=child_id,
        start_date=body.start_date, end_date=body.end_date, placement_type=body.placement_type,
        provider=body.provider, carer_id=body.carer_id,
    )
    session.add(placement)
    publish(session, *domain.placement_event(placement))
    return 201, placement.model_dump(mode="json")


async def end_placement(session: AsyncSession, child_id: str, placement_id: str, body: PlacementEnd) -> Result:
    placement = await session.get(Placement, placement_id)
    if placement is None or placement.child_id != child_id or placement.withdrawn:
        raise InputError("placement_id", "no such placement for this child", "path")
    domain.check_placement_end(placement=placement, end_date=body.end_date)
    placement.end_date = body.end_date
    next_version(placement)
    session.add(placement)
    publish(session, *domain.placement_event(placement))
    return 200, placement.model_dump(mode="json")


async def correct_placement(session: AsyncSession, child_id: str, placement_id: str, body: PlacementCorrection) -> Result:
    """Correct a placement (any field, its dates included), against the version last read."""
    placement = await session.get(Placement, placement_id)
    check_current(placement if placement and placement.child_id == child_id else None, body.record_version, "placement_id")
    fields = corrected_fields(placement, body, required={"start_date", "placement_type"})
    period = await session.get(CarePeriod, placement.care_period_id)
    others = [p for p in await _placements(session, period.care_period_id) if p.placement_id != placement_id]
    domain.check_placement_record(start_date=fields["start_date"], end_date=fields["end_date"], period=period, others=others)
    for name, value in fields.items():
        setattr(placement, name, value)
    next_version(placement)
    session.add(placement)
    publish(session, *domain.placement_event(placement))
    return 200, placement.model_dump(mode="json")


async def withdraw_placement(session: AsyncSession, child_id: str, placement_id: str, body: Change) -> Result:
    """Withdraw a placement recorded in error: it leaves every KPI (the withdrawal is published)."""
    return await withdraw_record(session, Placement, placement_id, child_id, body.record_version, "placement_id",
                                 lambda session, placement: publish(session, *domain.placement_event(placement)))


async def correct_care_period(session: AsyncSession, child_id: str, care_period_id: str, body: CarePeriodCorrection) -> Result:
    """Correct a period of care (its dates, legal status, reason ceased), against the version last read."""
    period = await session.get(CarePeriod, care_period_id)
    check_current(period if period and period.child_id == child_id else None, body.record_version, "care_period_id")
    fields = corrected_fields(period, body, required={"start_date", "legal_status"})
    if fields["end_date"] is None:
        fields["reason_ceased"] = None
    child = await session.get(Child, child_id)
    others = [p for p in await _periods(session, child_id) if p.care_period_id != care_period_id]
    domain.check_care_period_record(date_of_birth=child.date_of_birth, start_date=fields["start_date"],
                                    end_date=fields["end_date"], reason_ceased=fields["reason_ceased"],
                                    others=others, placements=await _placements(session, care_period_id))
    for name, value in fields.items():
        setattr(period, name, value)
    next_version(period)
    session.add(period)
    publish(session, *domain.care_period_event(child, period))
    return 200, period.model_dump(mode="json")


async def withdraw_care_period(session: AsyncSession, child_id: str, care_period_id: str, body: Change) -> Result:
    """Withdraw a period of care recorded in error (withdraw its placements first)."""
    period = await session.get(CarePeriod, care_period_id)
    check_current(period if period and period.child_id == child_id else None, body.record_version, "care_period_id")
    if placements := await _placements(session, care_period_id):
        raise InputError("care_period_id", f"placement {placements[0].placement_id} is recorded in this period: "
                                           "withdraw its placements first", "path")
    withdraw(period)
    session.add(period)
    publish(session, *domain.care_period_event(await session.get(Child, child_id), period))
    return 200, period.model_dump(mode="json")


async def child_record(session: AsyncSession, child_id: str) -> dict:
    """A child's periods of care and placements as stored (withdrawn ones left out)."""
    if await session.get(Child, child_id) is None:
        raise InputError("child_id", "unknown child", "path")
    periods = await _periods(session, child_id)
    placements = (await session.exec(select(Placement).where(Placement.child_id == child_id, ~Placement.withdrawn))).all()
    return {
        "child_id": child_id,
        "care_periods": [p.model_dump(mode="json") for p in sorted(periods, key=lambda p: p.start_date)],
        "placements": [p.model_dump(mode="json") for p in sorted(placements, key=lambda p: p.start_date)],
    }


# What a bulk record may ask for (backbone.bulk): each single request's command, by name.
COMMANDS = {
    "enter-care": Command(enter_care, None, CarePeriodStart, "care_period"),
    "leave-care": Command(leave_care, "care_period_id", CarePeriodEnd, "care_period"),
    "correct-care-period": Command(correct_care_period, "care_period_id", CarePeriodCorrection, "care_period"),
    "withdraw-care-period": Command(withdraw_care_period, "care_period_id", Change, "care_period"),
    "start-placement": Command(start_placement, None, PlacementStart, "placement"),
    "end-placement": Command(end_placement, "placement_id", PlacementEnd, "placement"),
    "correct-placement": Command(correct_placement, "placement_id", PlacementCorrection, "placement"),
    "withdraw-placement": Command(withdraw_placement, "placement_id", Change, "placement"),
}
