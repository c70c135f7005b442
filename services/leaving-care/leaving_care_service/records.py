"""The leaving care team's records of a young person, each a record kind (backbone.record_kinds): its row (the
table's columns, as migrations/versions makes them), its rules and its event. Routes, bulk names and request
bodies follow from these declarations."""

import dataclasses
from datetime import date

import care_register
from backbone.clock import not_in_future
from backbone.codes import code_list
from backbone.errors import InputError
from backbone.record_kinds import Action, RecordKind, operations
from backbone.writes import File, Records, Row

STATUS_RECORDED = "uk.cla.leaving-care.care-leaver-status-recorded.v1"
ADVISER_ALLOCATED = "uk.cla.leaving-care.personal-adviser-allocated.v1"


@dataclasses.dataclass(slots=True)
class CareLeaverStatus(Row):
    """A decision about a young person's leaving-care category from a date: it overrides the category the
    indicators derive from the care history, for the reason given (where recorded)."""

    TABLE = "care_leaver_statuses"
    KEY = ("status_id",)
    status_id: str
    child_id: str
    status: code_list(STATUS_RECORDED, "status")  # eligible, relevant, former relevant
    effective_date: date
    record_version: int = 1
    withdrawn: bool = False
    reason: code_list(STATUS_RECORDED, "reason") | None = None  # e.g. returned_home, category_corrected


@dataclasses.dataclass(slots=True)
class AdviserAllocation(Row):
    TABLE = "adviser_allocations"
    KEY = ("allocation_id",)
    allocation_id: str
    child_id: str
    role: code_list(ADVISER_ALLOCATED, "role")
    start_date: date
    end_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


def _after_birth(file: File, field: str, day: date) -> None:
    not_in_future(field, day)
    if day < care_register.periods(file)[0].date_of_birth:
        raise InputError(field, f"{day} is before the young person's date of birth")


def _check_status(file: File, fields: dict, other_than: str | None) -> None:
    _after_birth(file, "effective_date", fields["effective_date"])


STATUSES = RecordKind(
    name="leaving-care-status", path="leaving-care-status", row=CareLeaverStatus, subject=care_register.CHILD,
    event_type=STATUS_RECORDED, check=_check_status, effective=lambda s: s.effective_date,
    # One young person cannot be given the same category from the same day twice.
    natural_key=("status", "effective_date"), order_by="effective_date", aliases=("leaving-care-status",),
    resource="care_leaver_status",
    describe="A decision about the young person's leaving-care category (eligible, relevant, former relevant, "
             "no longer supported) from a date, overriding the one derived from the care history, with an optional "
             "reason.",
)


def _check_allocation(file: File, fields: dict, other_than: str | None) -> None:
    _after_birth(file, "start_date", fields["start_date"])
    if fields["end_date"] is not None:
        not_in_future("end_date", fields["end_date"])
        if fields["end_date"] < fields["start_date"]:
            raise InputError("end_date", f"{fields['end_date']} is before the allocation started ({fields['start_date']})")


def _end_allocation(file: File, allocation: AdviserAllocation, body) -> None:
    if allocation.end_date is not None:
        raise InputError("allocation_id", f"this allocation already ended on {allocation.end_date}", "path")
    not_in_future("end_date", body.end_date)
    if body.end_date < allocation.start_date:
        raise InputError("end_date", f"{body.end_date} is before the allocation started ({allocation.start_date})")
    allocation.end_date = body.end_date


ALLOCATIONS = RecordKind(
    name="adviser-allocation", path="adviser-allocations", row=AdviserAllocation, subject=care_register.CHILD,
    event_type=ADVISER_ALLOCATED, check=_check_allocation, effective=lambda a: a.end_date or a.start_date,
    # The same role allocated from the same day is the same allocation (the record names no adviser).
    natural_key=("role", "start_date"),
    actions=(Action("end", ("end_date",), _end_allocation, "The allocation ended.", required=frozenset({"end_date"})),),
    aliases=("allocate-adviser",),
    describe="A personal adviser (or, while still looked after, a social worker) was allocated.",
)

KINDS = [STATUSES, ALLOCATIONS]
OPERATIONS = operations(KINDS)
RECORDS = Records((CareLeaverStatus, AdviserAllocation), read_only=(care_register.KnownPeriod,))
