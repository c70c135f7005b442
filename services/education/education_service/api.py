"""HTTP entrypoints for the Virtual School: HTTP to commands (commands.py) and back."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.errors import NOT_KNOWN_YET_RESPONSE
from backbone.idempotency import audited, write_once
from backbone.requests import ChildId, IdempotencyKey, Purpose

from education_service import commands
from education_service.commands import Notified, PepCompleted

router = APIRouter(tags=["education"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "education:write"


@router.post("/children/{child_id}/virtual-school-notifications", status_code=201)
async def virtual_school_notified(
    child_id: ChildId, body: Notified, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The Virtual School was notified that the child became looked after."""
    return await write_once(request, client, idempotency_key, body, audited(
        commands.record_notification, client, "write", "virtual_school_notification", child_id, purpose, body))


@router.post("/children/{child_id}/initial-peps", status_code=201)
async def initial_pep_completed(
    child_id: ChildId, body: PepCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The child's initial Personal Education Plan was completed (answers the latest notification before it)."""
    return await write_once(request, client, idempotency_key, body, audited(
        commands.record_initial_pep, client, "write", "initial_pep", child_id, purpose, body))
