"""The council's foster households: their approvals, each for a category, from a date until de-registration
or new terms. Not a child's record: a household is known by the council's own opaque reference, and its
events carry no child. Each approval is a dated record (corrected against the version last read, withdrawn
as entered in error), so the households approved on any past date, and in which category, stay as they were:
a change of category ends one approval and starts the next on the same day; a household that left and came
back has two. Written like a child's records (backbone.idempotency.write_child: idempotent, one write at a
time per household, audited)."""

import dataclasses
import uuid
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Path, Request

from backbone.auth import ApiClient, require_scope
from backbone.clock import not_in_future
from backbone.codes import code_list
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw_record, withdrawn_flag
from backbone.errors import InputError
from backbone.idempotency import write_child
from backbone.record_kinds import STALE
from backbone.requests import IdempotencyKey, Purpose, RecordId, StrictBody
from backbone.writes import Changes, Records, Row, select_all

from placements_service.domain import clash

APPROVAL_RECORDED = "uk.cla.placements.foster-household-approval-recorded.v1"
Category = code_list(APPROVAL_RECORDED, "category")
HouseholdId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                  description="The council's own reference for the household; never a name or address.")]


@dataclasses.dataclass(slots=True)
class Approval(Row):
    TABLE = "foster_household_approvals"
    KEY = ("approval_id",)
    approval_id: str
    household_id: str
    category: str  # short_term, long_term, short_breaks, connected_persons, parent_and_child
    start_date: date
    end_date: date | None = None  # de-registered, or new terms from that day
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class HouseholdFile:
    household_id: str
    approvals: list[Approval] = dataclasses.field(default_factory=list)

    def current(self, other_than: str | None = None) -> list[Approval]:
        return [a for a in self.approvals if not a.withdrawn and a.approval_id != other_than]

    def find(self, approval_id: str) -> Approval | None:
        return next((a for a in self.approvals if a.approval_id == approval_id), None)


async def load(connection: asyncpg.Connection, household_ids: list[str]) -> dict[str, HouseholdFile]:
    files = {household_id: HouseholdFile(household_id) for household_id in household_ids}
    for row in await connection.fetch(f"{select_all(Approval)} WHERE household_id = ANY($1::text[])", household_ids):
        files[row["household_id"]].approvals.append(Approval(**row))
    return files


RECORDS = Records(load, (Approval,))


class Approved(StrictBody):
    """An approval from start_date in a category. While the household is approved, a new one is new terms
    (e.g. another category) from that day: the current one ends then. With an end date: one recorded late."""
    category: Category
    start_date: date
    end_date: date | None = None


class ApprovalCorrection(Change):
    """Only the fields sent change. A de-registration is the approval's ``end_date`` (null takes it back)."""
    category: Category | None = None
    start_date: date | None = None
    end_date: date | None = None


def _check(file: HouseholdFile, fields: dict, other_than: str | None) -> None:
    for name in ("start_date", "end_date"):
        if fields[name]:
            not_in_future(name, fields[name])
    if fields["end_date"] and fields["end_date"] < fields["start_date"]:
        raise InputError("end_date", f"{fields['end_date']} is before the approval started ({fields['start_date']})")
    other = clash(fields["start_date"], fields["end_date"], file.current(other_than), ends_inclusive=False)
    if other:
        raise InputError("start_date", f"overlaps approval {other.approval_id} ({other.start_date} to "
                                       f"{other.end_date or 'now'})")


def _save(changes: Changes, approval: Approval) -> dict:
    changes.save(approval)
    data = approval.as_json()
    del data["withdrawn"]
    changes.publish(APPROVAL_RECORDED, approval.household_id, {
        **data, "effective_date": (approval.end_date or approval.start_date).isoformat(), **withdrawn_flag(approval)})
    return approval.as_json()


def approve(file: HouseholdFile, changes: Changes, body: Approved) -> tuple[int, dict]:
    fields = body.model_dump()
    current = next((a for a in file.current() if a.end_date is None), None)
    if current and body.end_date is None:
        if body.start_date <= current.start_date:
            raise InputError("start_date", f"the household is approved from {current.start_date} (approval "
                                           f"{current.approval_id}): new terms start after that")
        current.end_date = body.start_date
        next_version(current)
        _save(changes, current)
    _check(file, fields, None)
    approval = Approval(str(uuid.uuid4()), file.household_id, **fields)
    file.approvals.append(approval)
    return 201, _save(changes, approval)


def correct(file: HouseholdFile, changes: Changes, approval_id: str, body: ApprovalCorrection) -> tuple[int, dict]:
    approval = file.find(approval_id)
    check_current(approval, body.record_version, "approval_id")
    fields = corrected_fields(approval, body, required={"category", "start_date"})
    _check(file, fields, approval_id)
    for name, value in fields.items():
        setattr(approval, name, value)
    next_version(approval)
    return 200, _save(changes, approval)


def withdraw(file: HouseholdFile, changes: Changes, approval_id: str, body: Change) -> tuple[int, dict]:
    return withdraw_record(file.find(approval_id), body.record_version, "approval_id", lambda a: _save(changes, a))


def household_record(file: HouseholdFile) -> dict:
    return {"household_id": file.household_id,
            "approvals": [a.as_json() for a in sorted(file.current(), key=lambda a: a.start_date)]}


router = APIRouter(tags=["foster households"])
WRITE, READ = "placements:write", "placements:read"


@router.post("/foster-households/{household_id}/approvals", status_code=201)
async def household_approved(household_id: HouseholdId, body: Approved, request: Request,
                             idempotency_key: IdempotencyKey, purpose: Purpose = None,
                             client: ApiClient = require_scope(WRITE)):
    """A household was approved as foster carers in a category (short term, long term, short breaks, connected
    persons, parent and child), or its approval changed to new terms from a date."""
    return await write_child(request, client, idempotency_key, body, RECORDS, approve, household_id, "write",
                             "foster_household", purpose, body, about_child=False)


@router.patch("/foster-households/{household_id}/approvals/{approval_id}", responses=STALE)
async def correct_approval(household_id: HouseholdId, approval_id: RecordId, body: ApprovalCorrection,
                           request: Request, idempotency_key: IdempotencyKey, purpose: Purpose = None,
                           client: ApiClient = require_scope(WRITE)):
    """Correct an approval, or de-register the household (``end_date``), against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, correct, household_id, "correct",
                             "foster_household", purpose, approval_id, body, about_child=False)


@router.post("/foster-households/{household_id}/approvals/{approval_id}/withdraw", responses=STALE)
async def withdraw_approval(household_id: HouseholdId, approval_id: RecordId, body: Change, request: Request,
                            idempotency_key: IdempotencyKey, purpose: Purpose = None,
                            client: ApiClient = require_scope(WRITE)):
    """Withdraw an approval recorded in error: it leaves the KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS, withdraw, household_id, "withdraw",
                             "foster_household", purpose, approval_id, body, about_child=False)


@router.get("/foster-households/{household_id}")
async def household(household_id: HouseholdId, request: Request, client: ApiClient = require_scope(READ)):
    """The household's approvals, for the case system to reconcile."""
    async with request.app.state.runtime.pool.acquire() as connection:
        return household_record((await load(connection, [household_id]))[household_id])
