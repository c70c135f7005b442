"""What the leaving care team can tell the leaving-care service, and what it does: the rules, the write and
the event, in the caller's transaction. HTTP (api.py) and bulk (backbone.bulk) both call these."""

import uuid
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

import care_register
from backbone.bulk import Command
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw_record
from backbone.clock import not_in_future
from backbone.codes import code_list
from backbone.errors import InputError
from backbone.outbox import publish
from backbone.requests import StrictBody

from leaving_care_service.models import AdviserAllocation, CareLeaverStatus

STATUS_RECORDED = "uk.cla.leaving-care.care-leaver-status-recorded.v1"
ADVISER_ALLOCATED = "uk.cla.leaving-care.personal-adviser-allocated.v1"
Status = code_list(STATUS_RECORDED, "status")
Role = code_list(ADVISER_ALLOCATED, "role")

class StatusRecorded(StrictBody):
    status: Status
    effective_date: date


class Allocated(StrictBody):
    role: Role
    start_date: date


class AllocationEnded(StrictBody):
    end_date: date


async def _check_known_child(session: AsyncSession, child_id: str, field: str, day: date) -> None:
    not_in_future(field, day)
    periods = await care_register.require_known_child(session, child_id)
    if day < periods[0].date_of_birth:
        raise InputError(field, f"{day} is before the young person's date of birth")


def _publish_allocation(session: AsyncSession, allocation: AdviserAllocation) -> None:
    publish(session, ADVISER_ALLOCATED, {
        "allocation_id": allocation.allocation_id,
        "child_id": allocation.child_id,
        "role": allocation.role,
        "start_date": allocation.start_date.isoformat(),
        "end_date": allocation.end_date.isoformat() if allocation.end_date else None,
        "effective_date": (allocation.end_date or allocation.start_date).isoformat(),
        "record_version": allocation.record_version,
        **({"withdrawn": True} if allocation.withdrawn else {}),
    })


def _publish_status(session: AsyncSession, status: CareLeaverStatus) -> None:
    publish(session, STATUS_RECORDED, {
        "status_id": status.status_id,
        "child_id": status.child_id,
        "status": status.status,
        "effective_date": status.effective_date.isoformat(),
        "record_version": status.record_version,
        **({"withdrawn": True} if status.withdrawn else {}),
    })


class StatusCorrection(Change):
    status: Status | None = None
    effective_date: date | None = None


class AllocationCorrection(Change):
    role: Role | None = None
    start_date: date | None = None
    end_date: date | None = None


async def record_status(session: AsyncSession, child_id: str, body: StatusRecorded) -> tuple[int, dict]:
    """The young person's leaving-care category (eligible, relevant, former relevant) from a date."""
    await _check_known_child(session, child_id, "effective_date", body.effective_date)
    status = CareLeaverStatus(status_id=str(uuid.uuid4()), child_id=child_id, status=body.status, effective_date=body.effective_date)
    session.add(status)
    _publish_status(session, status)
    return 201, status.model_dump(mode="json")


async def allocate_adviser(session: AsyncSession, child_id: str, body: Allocated) -> tuple[int, dict]:
    """A personal adviser (or, while still looked after, a social worker) was allocated."""
    await _check_known_child(session, child_id, "start_date", body.start_date)
    allocation = AdviserAllocation(allocation_id=str(uuid.uuid4()), child_id=child_id, role=body.role, start_date=body.start_date)
    session.add(allocation)
    _publish_allocation(session, allocation)
    return 201, allocation.model_dump(mode="json")


async def end_allocation(session: AsyncSession, child_id: str, allocation_id: str, body: AllocationEnded) -> tuple[int, dict]:
    allocation = await session.get(AdviserAllocation, allocation_id)
    if allocation is None or allocation.child_id != child_id or allocation.withdrawn:
        raise InputError("allocation_id", "no such allocation for this young person", "path")
    if allocation.end_date is not None:
        raise InputError("allocation_id", f"this allocation already ended on {allocation.end_date}", "path")
    not_in_future("end_date", body.end_date)
    if body.end_date < allocation.start_date:
        raise InputError("end_date", f"{body.end_date} is before the allocation started ({allocation.start_date})")
    allocation.end_date = body.end_date
    allocation.record_version += 1
    session.add(allocation)
    _publish_allocation(session, allocation)
    return 200, allocation.model_dump(mode="json")


async def correct_status(session: AsyncSession, child_id: str, status_id: str, body: StatusCorrection) -> tuple[int, dict]:
    """Correct a recorded status or its date, against the version last read."""
    status = await session.get(CareLeaverStatus, status_id)
    check_current(status if status and status.child_id == child_id else None, body.record_version, "status_id")
    for name, value in corrected_fields(status, body, required={"status", "effective_date"}).items():
        setattr(status, name, value)
    await _check_known_child(session, child_id, "effective_date", status.effective_date)
    next_version(status)
    session.add(status)
    _publish_status(session, status)
    return 200, status.model_dump(mode="json")


async def correct_allocation(session: AsyncSession, child_id: str, allocation_id: str, body: AllocationCorrection) -> tuple[int, dict]:
    """Correct an allocation (role, dates; end_date null reopens it), against the version last read."""
    allocation = await session.get(AdviserAllocation, allocation_id)
    check_current(allocation if allocation and allocation.child_id == child_id else None, body.record_version, "allocation_id")
    for name, value in corrected_fields(allocation, body, required={"role", "start_date"}).items():
        setattr(allocation, name, value)
    await _check_known_child(session, child_id, "start_date", allocation.start_date)
    if allocation.end_date is not None:
        not_in_future("end_date", allocation.end_date)
        if allocation.end_date < allocation.start_date:
            raise InputError("end_date", f"{allocation.end_date} is before the allocation started ({allocation.start_date})")
    next_version(allocation)
    session.add(allocation)
    _publish_allocation(session, allocation)
    return 200, allocation.model_dump(mode="json")


async def withdraw_status(session: AsyncSession, child_id: str, status_id: str, body: Change) -> tuple[int, dict]:
    return await withdraw_record(session, CareLeaverStatus, status_id, child_id, body.record_version, "status_id", _publish_status)


async def withdraw_allocation(session: AsyncSession, child_id: str, allocation_id: str, body: Change) -> tuple[int, dict]:
    return await withdraw_record(session, AdviserAllocation, allocation_id, child_id, body.record_version, "allocation_id",
                                 _publish_allocation)


COMMANDS = {
    "leaving-care-status": Command(record_status, None, StatusRecorded, "care_leaver_status"),
    "allocate-adviser": Command(allocate_adviser, None, Allocated, "adviser_allocation"),
    "end-adviser-allocation": Command(end_allocation, "allocation_id", AllocationEnded, "adviser_allocation"),
    "correct-leaving-care-status": Command(correct_status, "status_id", StatusCorrection, "care_leaver_status"),
    "withdraw-leaving-care-status": Command(withdraw_status, "status_id", Change, "care_leaver_status"),
    "correct-adviser-allocation": Command(correct_allocation, "allocation_id", AllocationCorrection, "adviser_allocation"),
    "withdraw-adviser-allocation": Command(withdraw_allocation, "allocation_id", Change, "adviser_allocation"),
}
