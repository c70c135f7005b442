"""The council's foster households: approval, category, de-registration. Not a child's record: a household
is known by the council's own opaque reference, and its events carry no child. Written like a child's
records (backbone.idempotency.write_child: idempotent, one write at a time per household, audited), each
change a new version of the household's record."""

import dataclasses
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
from backbone.requests import IdempotencyKey, Purpose, StrictBody
from backbone.writes import Changes, Records, Row, select_all

FOSTER_HOUSEHOLD_RECORDED = "uk.cla.placements.foster-household-recorded.v1"
Category = code_list(FOSTER_HOUSEHOLD_RECORDED, "category")
HouseholdId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                  description="The council's own reference for the household; never a name or address.")]


@dataclasses.dataclass(slots=True)
class FosterHousehold(Row):
    TABLE = "foster_households"
    KEY = ("household_id",)
    household_id: str
    category: str  # short_term, long_term, short_breaks, connected_persons, parent_and_child
    approval_date: date
    deregistration_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class HouseholdFile:
    household_id: str
    household: FosterHousehold | None = None


async def load(connection: asyncpg.Connection, household_ids: list[str]) -> dict[str, HouseholdFile]:
    files = {household_id: HouseholdFile(household_id) for household_id in household_ids}
    for row in await connection.fetch(f"{select_all(FosterHousehold)} WHERE household_id = ANY($1::text[])", household_ids):
        files[row["household_id"]].household = FosterHousehold(**row)
    return files


RECORDS = Records(load, (FosterHousehold,))


class HouseholdApproved(StrictBody):
    category: Category
    approval_date: date


class HouseholdCorrection(Change):
    """Only the fields sent change: a de-registration is a ``deregistration_date`` (null takes it back)."""
    category: Category | None = None
    approval_date: date | None = None
    deregistration_date: date | None = None


def _check(fields: dict) -> None:
    for name in ("approval_date", "deregistration_date"):
        if fields.get(name):
            not_in_future(name, fields[name])
    if fields.get("deregistration_date") and fields["deregistration_date"] < fields["approval_date"]:
        raise InputError("deregistration_date", f"{fields['deregistration_date']} is before the household was "
                                                f"approved ({fields['approval_date']})")


def _save(changes: Changes, household: FosterHousehold) -> dict:
    changes.save(household)
    data = household.as_json()
    del data["withdrawn"]
    effective = household.deregistration_date or household.approval_date
    changes.publish(FOSTER_HOUSEHOLD_RECORDED, household.household_id,
                    {**data, "effective_date": effective.isoformat(), **withdrawn_flag(household)})
    return household.as_json()


def approve(file: HouseholdFile, changes: Changes, body: HouseholdApproved) -> tuple[int, dict]:
    """A household approved as foster carers (a household withdrawn as entered in error may be approved again)."""
    if file.household and not file.household.withdrawn:
        raise InputError("household_id", f"this household is already recorded (version {file.household.record_version}): "
                                         "correct it instead", "path")
    _check(body.model_dump())
    if file.household:  # withdrawn: its id and versions stay taken, so this is its next version
        household = file.household
        household.category, household.approval_date, household.deregistration_date = body.category, body.approval_date, None
        household.withdrawn = False
        next_version(household)
    else:
        household = file.household = FosterHousehold(file.household_id, body.category, body.approval_date)
    return 201, _save(changes, household)


def correct(file: HouseholdFile, changes: Changes, body: HouseholdCorrection) -> tuple[int, dict]:
    check_current(file.household, body.record_version, "household_id")
    fields = corrected_fields(file.household, body, required={"category", "approval_date"})
    _check(fields)
    for name, value in fields.items():
        setattr(file.household, name, value)
    next_version(file.household)
    return 200, _save(changes, file.household)


def withdraw(file: HouseholdFile, changes: Changes, body: Change) -> tuple[int, dict]:
    return withdraw_record(file.household, body.record_version, "household_id", lambda h: _save(changes, h))


router = APIRouter(tags=["foster households"])
WRITE = "placements:write"


@router.post("/foster-households/{household_id}", status_code=201)
async def household_approved(household_id: HouseholdId, body: HouseholdApproved, request: Request,
                             idempotency_key: IdempotencyKey, purpose: Purpose = None,
                             client: ApiClient = require_scope(WRITE)):
    """A household was approved as foster carers, in a category (short term, long term, short breaks,
    connected persons, parent and child)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, approve, household_id, "write",
                             "foster_household", purpose, body, about_child=False)


@router.patch("/foster-households/{household_id}", responses=STALE)
async def correct_household(household_id: HouseholdId, body: HouseholdCorrection, request: Request,
                            idempotency_key: IdempotencyKey, purpose: Purpose = None,
                            client: ApiClient = require_scope(WRITE)):
    """Correct the household's category or approval date, or de-register it (``deregistration_date``)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, correct, household_id, "correct",
                             "foster_household", purpose, body, about_child=False)


@router.post("/foster-households/{household_id}/withdraw", responses=STALE)
async def withdraw_household(household_id: HouseholdId, body: Change, request: Request,
                             idempotency_key: IdempotencyKey, purpose: Purpose = None,
                             client: ApiClient = require_scope(WRITE)):
    """Withdraw a household recorded in error: it leaves the KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS, withdraw, household_id, "withdraw",
                             "foster_household", purpose, body, about_child=False)
