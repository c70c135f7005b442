"""Infrastructure tables every service has in its own database (made by the shared Alembic branches in
backbone.migrations)."""

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Identity, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


def _now_column(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, server_default=None if nullable else func.now())


class OutboxMessage(SQLModel, table=True):
    """An event written in the same transaction as the record it describes; the relay publishes it."""

    __tablename__ = "outbox"
    id: uuid.UUID = Field(primary_key=True)  # becomes ce_id: stable across re-sends
    seq: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), nullable=False, unique=True))
    topic: str
    event_type: str
    subject: str  # pseudonymous child id: the Kafka key and ce_subject
    data: dict = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    published_at: datetime | None = Field(default=None, sa_column=_now_column(nullable=True))
    attempts: int = 0
    last_error: str | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only (a trigger refuses UPDATE and DELETE): who touched which child's record, when and why."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    at: datetime | None = Field(default=None, sa_column=_now_column())
    client_id: str
    action: str  # read | write
    resource: str
    child_id: str | None = None
    purpose: str | None = None
    outcome: str | None = None  # "ok", or the HTTP status of a refused attempt
    # The children an access to many disclosed (e.g. a KPI drill-down's), when not just child_id's.
    child_ids: list[str] | None = Field(default=None, sa_column=Column(ARRAY(String), nullable=True))


class IdempotencyRecord(SQLModel, table=True):
    """The answer given to a client's write, so a retry with the same key gets it again and changes nothing."""

    __tablename__ = "idempotency_keys"
    client_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    request_fingerprint: str
    status_code: int
    response: dict = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


class ProcessedEvent(SQLModel, table=True):
    """Duplicate guard for consumers: (ce_source, ce_id) of every event already applied."""

    __tablename__ = "processed_events"
    source: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    event_type: str
    processed_at: datetime | None = Field(default=None, sa_column=_now_column())


class DeadLetter(SQLModel, table=True):
    """An event a consumer could not apply (breaks its contract, or contradicts what is known), kept for a person to look at."""

    __tablename__ = "dead_letters"
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    topic: str
    partition: int
    offset: int
    event_id: str | None = None
    event_type: str | None = None
    error: str
    received_at: datetime | None = Field(default=None, sa_column=_now_column())
