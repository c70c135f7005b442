"""What the community health provider can tell the health service, and what it does: the rules, the write
and the event, in the caller's transaction. HTTP (api.py) and bulk (backbone.bulk) both call these."""

import uuid
from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import care_register
from backbone.bulk import Command
from backbone.clock import not_in_future
from backbone.errors import InputError
from backbone.outbox import publish
from backbone.requests import StrictBody

from health_service.models import InitialHealthAssessment

IHA_COMPLETED = "uk.cla.health.initial-health-assessment-completed.v1"


class AssessmentCompleted(StrictBody):
    completed_date: date


async def record_initial_health_assessment(session: AsyncSession, child_id: str, body: AssessmentCompleted) -> tuple[int, dict]:
    """The Initial Health Assessment for the child's period of care was completed (one per period)."""
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
    return 201, assessment.model_dump(mode="json")


COMMANDS = {"initial-health-assessment": Command(record_initial_health_assessment, None, AssessmentCompleted,
                                                 "initial_health_assessment")}
