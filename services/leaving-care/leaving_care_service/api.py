"""HTTP entrypoints for the leaving care team: HTTP to commands (commands.py) and back."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.corrections import Change
from backbone.errors import NOT_KNOWN_YET_RESPONSE
from backbone.idempotency import write_child
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId
from backbone.writes import Records

from leaving_care_service import commands, records
from leaving_care_service.commands import (Allocated, AllocationCorrection, AllocationEnded, StatusCorrection,
                                           StatusRecorded)

router = APIRouter(tags=["leaving care"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "leaving-care:write"
RECORDS = Records(records.load, records.STORE_ORDER)
STALE = {409: {"description": "The record changed since the version you sent: read it again and resend."}}


@router.post("/children/{child_id}/leaving-care-status", status_code=201)
async def care_leaver_status_recorded(
    child_id: ChildId, body: StatusRecorded, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The young person's leaving-care category (eligible, relevant, former relevant) from a date."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.record_status,
                             child_id, "write", "care_leaver_status", purpose, body)


@router.post("/children/{child_id}/adviser-allocations", status_code=201)
async def adviser_allocated(
    child_id: ChildId, body: Allocated, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """A personal adviser (or, while still looked after, a social worker) was allocated."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.allocate_adviser,
                             child_id, "write", "adviser_allocation", purpose, body)


@router.post("/children/{child_id}/adviser-allocations/{allocation_id}/end")
async def adviser_allocation_ended(
    child_id: ChildId, allocation_id: RecordId, body: AllocationEnded, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.end_allocation,
                             child_id, "write", "adviser_allocation", purpose, allocation_id, body)


@router.patch("/children/{child_id}/leaving-care-status/{status_id}", responses=STALE)
async def correct_status(child_id: ChildId, status_id: RecordId, body: StatusCorrection, request: Request,
                         idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Correct a recorded status or its date, against the version last read (docs/corrections.md)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_status,
                             child_id, "correct", "care_leaver_status", purpose, status_id, body)


@router.post("/children/{child_id}/leaving-care-status/{status_id}/withdraw", responses=STALE)
async def withdraw_status(child_id: ChildId, status_id: RecordId, body: Change, request: Request,
                          idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Withdraw a status recorded in error: it leaves every KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_status,
                             child_id, "withdraw", "care_leaver_status", purpose, status_id, body)


@router.patch("/children/{child_id}/adviser-allocations/{allocation_id}", responses=STALE)
async def correct_allocation(child_id: ChildId, allocation_id: RecordId, body: AllocationCorrection, request: Request,
                             idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Correct an allocation (role, dates), against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_allocation,
                             child_id, "correct", "adviser_allocation", purpose, allocation_id, body)


@router.post("/children/{child_id}/adviser-allocations/{allocation_id}/withdraw", responses=STALE)
async def withdraw_allocation(child_id: ChildId, allocation_id: RecordId, body: Change, request: Request,
                              idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE)):
    """Withdraw an allocation recorded in error: it leaves every KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_allocation,
                             child_id, "withdraw", "adviser_allocation", purpose, allocation_id, body)
