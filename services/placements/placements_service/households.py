"""The council's foster households: their approvals, each for a category, from a date until de-registration
or new terms. Not a child's record: a household is known by the council's own opaque reference, and its
events carry no child. Each approval is a record kind (backbone.record_kinds) about a household: corrected
against the version last read, withdrawn as entered in error, so the households approved on any past date,
and in which category, stay as they were: a change of category ends one approval and starts the next on the
same day; a household that left and came back has two. Written like a child's records (idempotent, one write
at a time per household, audited), but not logged as a child's."""

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request

from backbone.auth import ApiClient, require_scope
from backbone.clock import not_in_future
from backbone.codes import code_list
from backbone.errors import InputError
from backbone.record_kinds import RecordKind, Subject, add_routes
from backbone.writes import File, Records, Row

from placements_service.domain import clash

APPROVAL_RECORDED = "uk.cla.placements.foster-household-approval-recorded.v1"
HouseholdId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                  description="The council's own reference for the household; never a name or address.")]
HOUSEHOLD = Subject("household", "foster-households", "household_id", HouseholdId)


@dataclasses.dataclass(slots=True)
class Approval(Row):
    TABLE = "foster_household_approvals"
    KEY = ("approval_id",)
    approval_id: str
    household_id: str
    category: code_list(APPROVAL_RECORDED, "category")  # short term, long term, short breaks, connected persons, ...
    start_date: date
    end_date: date | None = None  # de-registered, or new terms from that day
    record_version: int = 1
    withdrawn: bool = False


RECORDS = Records((Approval,), key="household_id")


def _check(file: File, fields: dict, other_than: str | None) -> None:
    for name in ("start_date", "end_date"):
        if fields[name]:
            not_in_future(name, fields[name])
    if fields["end_date"] and fields["end_date"] < fields["start_date"]:
        raise InputError("end_date", f"{fields['end_date']} is before the approval started ({fields['start_date']})")
    other = clash(fields["start_date"], fields["end_date"], APPROVALS.current(file, other_than), ends_inclusive=False)
    if other:
        raise InputError("start_date", f"overlaps approval {other.approval_id} ({other.start_date} to "
                                       f"{other.end_date or 'now'})")


def _new_terms(file: File, fields: dict) -> Approval | None:
    """While the household is approved, a new open approval is new terms from that day: the current one ends."""
    current = next((a for a in APPROVALS.current(file) if a.end_date is None), None)
    if current and fields["end_date"] is None:
        if fields["start_date"] <= current.start_date:
            raise InputError("start_date", f"the household is approved from {current.start_date} (approval "
                                           f"{current.approval_id}): new terms start after that")
        return current
    return None


APPROVALS = RecordKind(
    name="foster-household-approval", path="approvals", row=Approval, subject=HOUSEHOLD, event_type=APPROVAL_RECORDED, check=_check,
    effective=lambda a: a.end_date or a.start_date, replaces=_new_terms, resource="foster_household",
    describe="A household was approved as foster carers in a category (short term, long term, short breaks, "
             "connected persons, parent and child), or its approval changed to new terms from a date; with an end "
             "date, one recorded late. A de-registration is a correction of the approval's end_date.",
)

router = APIRouter(tags=["foster households"])
WRITE, READ = "placements:write", "placements:read"
add_routes(router, HOUSEHOLD, APPROVALS.operations, RECORDS, WRITE)


@router.get("/foster-households/{household_id}")
async def household(household_id: HouseholdId, request: Request, client: ApiClient = require_scope(READ)):
    """The household's approvals, for the case system to reconcile."""
    async with request.app.state.runtime.pool.acquire() as connection:
        file = (await RECORDS.files(connection, [household_id]))[household_id]
    return {"household_id": household_id,
            "approvals": [a.as_json() for a in sorted(APPROVALS.current(file), key=lambda a: a.start_date)]}
