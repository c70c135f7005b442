"""The community health provider's records of a child, each a record kind (backbone.record_kinds): its row
(the table's columns, as migrations/versions makes them), its rules and its event. Routes, bulk names and
request bodies follow from these declarations."""

import dataclasses
from datetime import date

import care_register
from backbone.clock import not_in_future
from backbone.errors import InputError
from backbone.record_kinds import RecordKind, operations
from backbone.writes import File, Records, Row

IHA_COMPLETED = "uk.cla.health.initial-health-assessment-completed.v1"


@dataclasses.dataclass(slots=True)
class Assessment(Row):
    """An Initial Health Assessment: one per period of care (withdrawn ones aside)."""

    TABLE = "initial_health_assessments"
    KEY = ("assessment_id",)
    assessment_id: str
    child_id: str
    care_period_id: str  # the period it answers: worked out from completed_date, kept off the event
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False


def _check_assessment(file: File, fields: dict, other_than: str | None) -> None:
    """Not in the future, and the only one of its period of care."""
    not_in_future("completed_date", fields["completed_date"])
    if existing := INITIAL_HEALTH_ASSESSMENTS.matching(file, fields, other_than, ("care_period_id",)):
        raise InputError("completed_date", "an Initial Health Assessment is already recorded for this period of care "
                                           f"({existing.completed_date})")


INITIAL_HEALTH_ASSESSMENTS = RecordKind(
    name="initial-health-assessment", path="initial-health-assessments", row=Assessment, subject=care_register.CHILD,
    event_type=IHA_COMPLETED, check=_check_assessment, effective=lambda a: a.completed_date,
    computed=("care_period_id",), derive=care_register.period_of("completed_date"), private=frozenset({"care_period_id"}),
    order_by="completed_date", aliases=("initial-health-assessment",),
    describe="The Initial Health Assessment for the child's period of care was completed (one per period; a "
             "corrected date may move it to the period it really answers).",
)

KINDS = [INITIAL_HEALTH_ASSESSMENTS]
OPERATIONS = operations(KINDS)
RECORDS = Records((Assessment,), read_only=(care_register.KnownPeriod,))
