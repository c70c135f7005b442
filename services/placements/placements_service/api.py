"""HTTP entrypoints for the council's case system: they translate HTTP to commands (commands.py) and back,
with the idempotency key, the audit row and the scope; the rules live in the commands."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.corrections import Change
from backbone.idempotency import write_child
from backbone.record_kinds import STALE, add_routes
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId, RequiredPurpose
from backbone.writes import Changes, Records, store

from placements_service import commands, records
from placements_service.child_records import KINDS
from placements_service.commands import (CarePeriodCorrection, CarePeriodEnd, CarePeriodStart, ChildCorrection,
                                         PlacementCorrection, PlacementEnd, PlacementStart)

router = APIRouter(tags=["placements"])
RECORDS = Records(records.load, records.STORE_ORDER)
WRITE = "placements:write"
READ = "placements:read"


@router.post("/children/{child_id}/care-periods", status_code=201)
async def child_entered_care(child_id: ChildId, body: CarePeriodStart, request: Request, idempotency_key: IdempotencyKey,
                             purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """A child became looked after."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.enter_care,
                             child_id, "write", "care_period", purpose, body)


@router.post("/children/{child_id}/care-periods/{care_period_id}/end")
async def child_left_care(child_id: ChildId, care_period_id: RecordId, body: CarePeriodEnd, request: Request,
                          idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """A child ceased to be looked after. Their current placement ends on the same date."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.leave_care,
                             child_id, "write", "care_period", purpose, care_period_id, body)


@router.patch("/children/{child_id}/care-periods/{care_period_id}", responses=STALE)
async def correct_care_period(child_id: ChildId, care_period_id: RecordId, body: CarePeriodCorrection, request: Request,
                              idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Correct a period of care (its dates, legal status, reason ceased), against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_care_period,
                             child_id, "correct", "care_period", purpose, care_period_id, body)


@router.post("/children/{child_id}/care-periods/{care_period_id}/withdraw", responses=STALE)
async def withdraw_care_period(child_id: ChildId, care_period_id: RecordId, body: Change, request: Request,
                               idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Withdraw a period of care recorded in error (withdraw its placements first)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_care_period,
                             child_id, "withdraw", "care_period", purpose, care_period_id, body)


@router.post("/children/{child_id}/placements", status_code=201)
async def placement_started(child_id: ChildId, body: PlacementStart, request: Request, idempotency_key: IdempotencyKey,
                            purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """A child moved to a new placement (a new carer): the placement they were in ends on the same date.
    With an end date: a placement recorded late, slotted into the child's history."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.start_placement,
                             child_id, "write", "placement", purpose, body)


@router.post("/children/{child_id}/placements/{placement_id}/end")
async def placement_ended(child_id: ChildId, placement_id: RecordId, body: PlacementEnd, request: Request,
                          idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.end_placement,
                             child_id, "write", "placement", purpose, placement_id, body)


@router.patch("/children/{child_id}/placements/{placement_id}", responses=STALE)
async def correct_placement(child_id: ChildId, placement_id: RecordId, body: PlacementCorrection, request: Request,
                            idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Correct a placement (any field, its dates included), against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_placement,
                             child_id, "correct", "placement", purpose, placement_id, body)


@router.post("/children/{child_id}/placements/{placement_id}/withdraw", responses=STALE)
async def withdraw_placement(child_id: ChildId, placement_id: RecordId, body: Change, request: Request,
                             idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Withdraw a placement recorded in error: it leaves every KPI (the withdrawal is published)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_placement,
                             child_id, "withdraw", "placement", purpose, placement_id, body)


@router.patch("/children/{child_id}", responses=STALE)
async def correct_child(child_id: ChildId, body: ChildCorrection, request: Request, idempotency_key: IdempotencyKey,
                        purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Correct the child's date of birth (also while they are looked after), against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_child,
                             child_id, "correct", "child", purpose, body)


# Missing episodes, social worker allocations, legal status changes, reviews, visits, convictions, adoptions:
# record, correct and withdraw each (child_records.py).
add_routes(router, KINDS, RECORDS, WRITE)


@router.get("/children/{child_id}")
async def child_record(child_id: ChildId, request: Request, purpose: RequiredPurpose, client: ApiClient = require_scope(READ)):
    """A child's periods of care and placements, for the case system to reconcile. Audited."""
    changes = Changes()
    async with request.app.state.runtime.pool.acquire() as connection, connection.transaction():
        record = commands.child_record((await records.load(connection, [child_id]))[child_id])
        changes.audit(client.client_id, "read", "child", child_id, purpose)
        await store(connection, changes, ())
    return record
