"""HTTP entrypoints for the community health provider: HTTP to commands (commands.py) and back."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.corrections import Change
from backbone.errors import NOT_KNOWN_YET_RESPONSE
from backbone.idempotency import write_child
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId
from backbone.writes import Records

from health_service import commands, records
from health_service.commands import AssessmentCompleted, AssessmentCorrection

router = APIRouter(tags=["health"], responses=NOT_KNOWN_YET_RESPONSE)
WRITE = "health:write"
RECORDS = Records(records.load, records.STORE_ORDER)
STALE = {409: {"description": "The record changed since the version you sent: read it again and resend."}}


@router.post("/children/{child_id}/initial-health-assessments", status_code=201)
async def initial_health_assessment_completed(
    child_id: ChildId, body: AssessmentCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """The Initial Health Assessment for the child's period of care was completed."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.record_initial_health_assessment,
                             child_id, "write", "initial_health_assessment", purpose, body)


@router.patch("/children/{child_id}/initial-health-assessments/{assessment_id}", responses=STALE)
async def correct_initial_health_assessment(
    child_id: ChildId, assessment_id: RecordId, body: AssessmentCorrection, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Correct the date an assessment was completed, against the version last read."""
    return await write_child(request, client, idempotency_key, body, RECORDS, commands.correct_initial_health_assessment,
                             child_id, "correct", "initial_health_assessment", purpose, assessment_id, body)


@router.post("/children/{child_id}/initial-health-assessments/{assessment_id}/withdraw", responses=STALE)
async def withdraw_initial_health_assessment(
    child_id: ChildId, assessment_id: RecordId, body: Change, request: Request,
    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(WRITE),
):
    """Withdraw an assessment recorded in error: it leaves every KPI."""
    return await write_child(request, client, idempotency_key, body, RECORDS,
                             commands.withdraw_initial_health_assessment, child_id, "withdraw",
                             "initial_health_assessment", purpose, assessment_id, body)
