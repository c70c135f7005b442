"""What the leaving care team can tell the leaving-care service, and what each command does: check the rules
against the young person's file (records.py), change its records and note each change and its event
(backbone.writes). No I/O: HTTP (api.py) and bulk (backbone.bulk) load the file and store the changes."""

import uuid
from datetime import date

import care_register
from backbone.bulk import Command
from backbone.clock import not_in_future
from backbone.codes import code_list
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw_record, withdrawn_flag
from backbone.errors import InputError
from backbone.requests import StrictBody
from backbone.writes import Changes

from leaving_care_service.records import AdviserAllocation, CareLeaverStatus, ChildFile

STATUS_RECORDED = "uk.cla.leaving-care.care-leaver-status-recorded.v1"
ADVISER_ALLOCATED = "uk.cla.leaving-care.personal-adviser-allocated.v1"
Status = code_list(STATUS_RECORDED, "status")
Role = code_list(ADVISER_ALLOCATED, "role")
Result = tuple[int, dict]


class StatusRecorded(StrictBody):
    status: Status
    effective_date: date


class Allocated(StrictBody):
    role: Role
    start_date: date


class AllocationEnded(StrictBody):
    end_date: date


def _check_known_child(file: ChildFile, field: str, day: date) -> None:
    not_in_future(field, day)
    periods = care_register.known_child(file.periods)
    if day < periods[0].date_of_birth:
        raise InputError(field, f"{day} is before the young person's date of birth")


def _save_allocation(changes: Changes, allocation: AdviserAllocation) -> dict:
    changes.save(allocation)
    changes.publish(ADVISER_ALLOCATED, allocation.child_id, {
        "allocation_id": allocation.allocation_id,
        "child_id": allocation.child_id,
        "role": allocation.role,
        "start_date": allocation.start_date.isoformat(),
        "end_date": allocation.end_date.isoformat() if allocation.end_date else None,
        "effective_date": (allocation.end_date or allocation.start_date).isoformat(),
        "record_version": allocation.record_version,
        **withdrawn_flag(allocation),
    })
    return allocation.as_json()


def _save_status(changes: Changes, status: CareLeaverStatus) -> dict:
    changes.save(status)
    changes.publish(STATUS_RECORDED, status.child_id, {
        "status_id": status.status_id,
        "child_id": status.child_id,
        "status": status.status,
        "effective_date": status.effective_date.isoformat(),
        "record_version": status.record_version,
        **withdrawn_flag(status),
    })
    return status.as_json()


class StatusCorrection(Change):
    status: Status | None = None
    effective_date: date | None = None


class AllocationCorrection(Change):
    role: Role | None = None
    start_date: date | None = None
    end_date: date | None = None


def record_status(file: ChildFile, changes: Changes, body: StatusRecorded) -> Result:
    """The young person's leaving-care category (eligible, relevant, former relevant) from a date."""
    _check_known_child(file, "effective_date", body.effective_date)
    status = CareLeaverStatus(str(uuid.uuid4()), file.child_id, body.status, body.effective_date)
    file.statuses.append(status)
    return 201, _save_status(changes, status)


def allocate_adviser(file: ChildFile, changes: Changes, body: Allocated) -> Result:
    """A personal adviser (or, while still looked after, a social worker) was allocated."""
    _check_known_child(file, "start_date", body.start_date)
    allocation = AdviserAllocation(str(uuid.uuid4()), file.child_id, body.role, body.start_date)
    file.allocations.append(allocation)
    return 201, _save_allocation(changes, allocation)


def end_allocation(file: ChildFile, changes: Changes, allocation_id: str, body: AllocationEnded) -> Result:
    allocation = file.allocation(allocation_id)
    if allocation is None or allocation.withdrawn:
        raise InputError("allocation_id", "no such allocation for this young person", "path")
    if allocation.end_date is not None:
        raise InputError("allocation_id", f"this allocation already ended on {allocation.end_date}", "path")
    not_in_future("end_date", body.end_date)
    if body.end_date < allocation.start_date:
        raise InputError("end_date", f"{body.end_date} is before the allocation started ({allocation.start_date})")
    allocation.end_date = body.end_date
    next_version(allocation)
    return 200, _save_allocation(changes, allocation)


def correct_status(file: ChildFile, changes: Changes, status_id: str, body: StatusCorrection) -> Result:
    """Correct a recorded status or its date, against the version last read."""
    status = file.status(status_id)
    check_current(status, body.record_version, "status_id")
    fields = corrected_fields(status, body, required={"status", "effective_date"})
    _check_known_child(file, "effective_date", fields["effective_date"])
    for name, value in fields.items():
        setattr(status, name, value)
    next_version(status)
    return 200, _save_status(changes, status)


def correct_allocation(file: ChildFile, changes: Changes, allocation_id: str, body: AllocationCorrection) -> Result:
    """Correct an allocation (role, dates; end_date null reopens it), against the version last read."""
    allocation = file.allocation(allocation_id)
    check_current(allocation, body.record_version, "allocation_id")
    fields = corrected_fields(allocation, body, required={"role", "start_date"})
    _check_known_child(file, "start_date", fields["start_date"])
    if fields["end_date"] is not None:
        not_in_future("end_date", fields["end_date"])
        if fields["end_date"] < fields["start_date"]:
            raise InputError("end_date", f"{fields['end_date']} is before the allocation started ({fields['start_date']})")
    for name, value in fields.items():
        setattr(allocation, name, value)
    next_version(allocation)
    return 200, _save_allocation(changes, allocation)


def withdraw_status(file: ChildFile, changes: Changes, status_id: str, body: Change) -> Result:
    return withdraw_record(file.status(status_id), body.record_version, "status_id",
                           lambda status: _save_status(changes, status))


def withdraw_allocation(file: ChildFile, changes: Changes, allocation_id: str, body: Change) -> Result:
    return withdraw_record(file.allocation(allocation_id), body.record_version, "allocation_id",
                           lambda allocation: _save_allocation(changes, allocation))


COMMANDS = {
    "leaving-care-status": Command(record_status, None, StatusRecorded, "care_leaver_status"),
    "allocate-adviser": Command(allocate_adviser, None, Allocated, "adviser_allocation"),
    "end-adviser-allocation": Command(end_allocation, "allocation_id", AllocationEnded, "adviser_allocation"),
    "correct-leaving-care-status": Command(correct_status, "status_id", StatusCorrection, "care_leaver_status"),
    "withdraw-leaving-care-status": Command(withdraw_status, "status_id", Change, "care_leaver_status"),
    "correct-adviser-allocation": Command(correct_allocation, "allocation_id", AllocationCorrection, "adviser_allocation"),
    "withdraw-adviser-allocation": Command(withdraw_allocation, "allocation_id", Change, "adviser_allocation"),
}
