"""What the community health provider can tell the health service, and what each command does: check the
rules against the child's file (records.py), change its records and note each change and its event
(backbone.writes). No I/O: HTTP (api.py) and bulk (backbone.bulk) load the file and store the changes."""

import uuid
from datetime import date

import care_register
from backbone.bulk import Command
from backbone.clock import not_in_future
from backbone.corrections import Change, check_current, next_version, withdraw_record, withdrawn_flag
from backbone.errors import InputError
from backbone.requests import StrictBody
from backbone.writes import Changes

from health_service.records import Assessment, ChildFile

IHA_COMPLETED = "uk.cla.health.initial-health-assessment-completed.v1"


class AssessmentCompleted(StrictBody):
    completed_date: date


class AssessmentCorrection(Change):
    """The corrected completion date, against the version last read."""
    completed_date: date


def _belongs_to(file: ChildFile, completed_date: date, other_than: str | None = None) -> str:
    """The period of care an assessment completed on this date answers; refused when it already has one."""
    not_in_future("completed_date", completed_date)
    period = care_register.period_started_by(file.periods, completed_date, "completed_date")
    if existing := file.assessment_for(period.care_period_id, other_than):
        raise InputError("completed_date", "an Initial Health Assessment is already recorded for this period of care "
                                           f"({existing.completed_date})")
    return period.care_period_id


def _save(changes: Changes, assessment: Assessment) -> dict:
    changes.save(assessment)
    changes.publish(IHA_COMPLETED, assessment.child_id, {
        "assessment_id": assessment.assessment_id,
        "child_id": assessment.child_id,
        "completed_date": assessment.completed_date.isoformat(),
        "effective_date": assessment.completed_date.isoformat(),
        "record_version": assessment.record_version,
        **withdrawn_flag(assessment),
    })
    return assessment.as_json()


def record_initial_health_assessment(file: ChildFile, changes: Changes, body: AssessmentCompleted) -> tuple[int, dict]:
    """The Initial Health Assessment for the child's period of care was completed (one per period)."""
    period_id = _belongs_to(file, body.completed_date)
    assessment = Assessment(str(uuid.uuid4()), file.child_id, period_id, body.completed_date)
    file.assessments.append(assessment)
    return 201, _save(changes, assessment)


def correct_initial_health_assessment(file: ChildFile, changes: Changes, assessment_id: str,
                                      body: AssessmentCorrection) -> tuple[int, dict]:
    """Correct the completion date (it may then answer another period of care), against the version last read."""
    assessment = file.assessment(assessment_id)
    check_current(assessment, body.record_version, "assessment_id")
    assessment.care_period_id = _belongs_to(file, body.completed_date, other_than=assessment_id)
    assessment.completed_date = body.completed_date
    next_version(assessment)
    return 200, _save(changes, assessment)


def withdraw_initial_health_assessment(file: ChildFile, changes: Changes, assessment_id: str,
                                       body: Change) -> tuple[int, dict]:
    """Withdraw an assessment recorded in error: it leaves every KPI (the withdrawal is published)."""
    return withdraw_record(file.assessment(assessment_id), body.record_version, "assessment_id",
                           lambda assessment: _save(changes, assessment))


COMMANDS = {
    "initial-health-assessment": Command(record_initial_health_assessment, None, AssessmentCompleted,
                                         "initial_health_assessment"),
    "correct-initial-health-assessment": Command(correct_initial_health_assessment, "assessment_id",
                                                 AssessmentCorrection, "initial_health_assessment"),
    "withdraw-initial-health-assessment": Command(withdraw_initial_health_assessment, "assessment_id", Change,
                                                  "initial_health_assessment"),
}
