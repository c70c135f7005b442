"""The education service's own tables (and what it learns of periods of care)."""

from datetime import date

from sqlmodel import Field, SQLModel

from backbone.tables import AuditEntry, DeadLetter, IdempotencyRecord, OutboxMessage, ProcessedEvent  # noqa: F401
from care_register import KnownCarePeriod  # noqa: F401


class VirtualSchoolNotification(SQLModel, table=True):
    """The Virtual School was told the child became looked after; the initial PEP is due from here."""

    __tablename__ = "virtual_school_notifications"
    notification_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    care_period_id: str  # one per period of care, withdrawn ones aside (a partial unique index)
    notified_date: date
    record_version: int = 1
    withdrawn: bool = False  # entered in error: kept, out of every rule and KPI


class InitialPep(SQLModel, table=True):
    __tablename__ = "initial_peps"
    pep_id: str = Field(primary_key=True)
    # One per notification, withdrawn ones aside (a partial unique index).
    notification_id: str = Field(foreign_key="virtual_school_notifications.notification_id")
    child_id: str = Field(index=True)
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False
