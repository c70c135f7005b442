"""HTTP entrypoints for the Virtual School: HTTP to commands (commands.py) and back."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.corrections import Change
from backbone.errors import NOT_KNOWN_YET_RESPONSE
from backbone.idempotency import write_child
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId
from backbone.writes import Records

from education_service import commands, records
from education_service.commands import NotificationCorrection, Notified, PepCompleted, PepCorrection

router = APIRouter(tags=["education"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "education:write"
RECORDS = Records(records.load, records.STORE_ORDER)
STALE = {409: {"description": "The record changed since the version you sent: read it again and resend."}}


@router.post("/children/{child_id}/virtual-school-notifications", status_code=201)
async def virtual_school_notified(
    child_id: ChildId, body: Notified, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The Virtual School was notified that the child became looked after."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.record_notification,
                             child_id, "write", "virtual_school_notification", purpose, body)


@router.patch("/children/{child_id}/virtual-school-notifications/{notification_id}", responses=STALE)
async def correct_notification(
    child_id: ChildId, notification_id: RecordId, body: NotificationCorrection, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Correct the date the Virtual School was notified, against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_notification,
                             child_id, "correct", "virtual_school_notification", purpose, notification_id, body)


@router.post("/children/{child_id}/virtual-school-notifications/{notification_id}/withdraw", responses=STALE)
async def withdraw_notification(
    child_id: ChildId, notification_id: RecordId, body: Change, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Withdraw a notification recorded in error (withdraw the PEP answering it first)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_notification,
                             child_id, "withdraw", "virtual_school_notification", purpose, notification_id, body)


@router.post("/children/{child_id}/initial-peps", status_code=201)
async def initial_pep_completed(
    child_id: ChildId, body: PepCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The child's initial Personal Education Plan was completed (answers the latest notification before it)."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.record_initial_pep,
                             child_id, "write", "initial_pep", purpose, body)


@router.patch("/children/{child_id}/initial-peps/{pep_id}", responses=STALE)
async def correct_initial_pep(
    child_id: ChildId, pep_id: RecordId, body: PepCorrection, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Correct the date the initial PEP was completed, against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_initial_pep,
                             child_id, "correct", "initial_pep", purpose, pep_id, body)


@router.post("/children/{child_id}/initial-peps/{pep_id}/withdraw", responses=STALE)
async def withdraw_initial_pep(
    child_id: ChildId, pep_id: RecordId, body: Change, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Withdraw an initial PEP recorded in error: it leaves every KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.withdraw_initial_pep,
                             child_id, "withdraw", "initial_pep", purpose, pep_id, body)
