"""HTTP entrypoints for the community health provider: HTTP to commands (commands.py) and back."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.errors import NOT_KNOWN_YET_RESPONSE
from backbone.idempotency import audited, write_once
from backbone.requests import ChildId, IdempotencyKey, Purpose

from health_service import commands
from health_service.commands import AssessmentCompleted

router = APIRouter(tags=["health"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "health:write"


@router.post("/children/{child_id}/initial-health-assessments", status_code=201)
async def initial_health_assessment_completed(
    child_id: ChildId, body: AssessmentCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The Initial Health Assessment for the child's period of care was completed."""
    return await write_once(request, client, idempotency_key, body, audited(
        commands.record_initial_health_assessment, client, "write", "initial_health_assessment", child_id, purpose, body))
