"""The leaving-care service's own tables (and what it learns of periods of care)."""

from datetime import date

from sqlmodel import Field, SQLModel

from backbone.tables import AuditEntry, DeadLetter, IdempotencyRecord, OutboxMessage, ProcessedEvent  # noqa: F401
from care_register import KnownCarePeriod  # noqa: F401


class CareLeaverStatus(SQLModel, table=True):
    """A young person's leaving-care category from a date (recorded directly for now)."""

    __tablename__ = "care_leaver_statuses"
    status_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    status: str
    effective_date: date
    record_version: int = 1
    withdrawn: bool = False  # entered in error (docs/corrections.md)


class AdviserAllocation(SQLModel, table=True):
    __tablename__ = "adviser_allocations"
    allocation_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    role: str
    start_date: date
    end_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False
