"""HTTP entrypoints for the community health provider."""

import uuid
from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import care_register
from backbone.audit import record_access
from backbone.auth import ApiClient, require_scope
from backbone.clock import not_in_future
from backbone.errors import NOT_KNOWN_YET_RESPONSE, InputError
from backbone.idempotency import write_once
from backbone.outbox import publish
from backbone.requests import ChildId, IdempotencyKey, Purpose, StrictBody

from health_service.models import InitialHealthAssessment

IHA_COMPLETED = "uk.cla.health.initial-health-assessment-completed.v1"

router = APIRouter(tags=["health"], responses=NOT_KNOWN_YET_RESPONSE)


class AssessmentCompleted(StrictBody):
    completed_date: date


@router.post("/children/{child_id}/initial-health-assessments", status_code=201)
async def initial_health_assessment_completed(
    child_id: ChildId, body: AssessmentCompleted, request: Request, idempotency_key: IdempotencyKey,
    purpose: Purpose = None, client: ApiClient = require_scope("health:write"),
):
    """The Initial Health Assessment for the child's period of care was completed."""

    async def write(session: AsyncSession):
        not_in_future("completed_date", body.completed_date)
        period = await care_register.require_period_started_by(session, child_id, body.completed_date, "completed_date")
        existing = (await session.exec(
            select(InitialHealthAssessment).where(InitialHealthAssessment.care_period_id == period.care_period_id)
        )).first()
        if existing:
            raise InputError("completed_date", f"an Initial Health Assessment is already recorded for this period of care ({existing.completed_date})")
        assessment = InitialHealthAssessment(
            assessment_id=str(uuid.uuid4()), child_id=child_id, care_period_id=period.care_period_id,
            completed_date=body.completed_date,
        )
        session.add(assessment)
        publish(session, IHA_COMPLETED, {
            "assessment_id": assessment.assessment_id,
            "child_id": child_id,
            "completed_date": body.completed_date.isoformat(),
            "effective_date": body.completed_date.isoformat(),
            "record_version": assessment.record_version,
        })
        record_access(session, client, "write", "initial_health_assessment", child_id, purpose)
        return 201, assessment.model_dump(mode="json")

    return await write_once(request, client, idempotency_key, body, write)
