"""The health service's own tables (and what it learns of periods of care)."""

from datetime import date

from sqlmodel import Field, SQLModel

from backbone.tables import AuditEntry, DeadLetter, IdempotencyRecord, OutboxMessage, ProcessedEvent  # noqa: F401
from care_register import KnownCarePeriod  # noqa: F401


class InitialHealthAssessment(SQLModel, table=True):
    __tablename__ = "initial_health_assessments"
    assessment_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    care_period_id: str  # one IHA per period of care, withdrawn ones aside (a partial unique index)
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False  # entered in error: kept, out of every rule and KPI
