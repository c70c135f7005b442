"""Helpers for each service's Alembic migrations: the shared env.py body and the infrastructure tables.

The table helpers are versioned by name (``_v1``): a migration that called one keeps meaning the same thing.
"""

import asyncio
import os

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import create_async_engine

from backbone.settings import to_asyncpg_url


def run_env(target_metadata) -> None:
    """Body of a service's migrations/env.py. The URL comes from DATABASE_URL: the database's owner role.
    With RUNTIME_ROLE set, that role (the one the service runs as) is then granted what it needs and no more."""
    url = to_asyncpg_url(os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url"))
    runtime_role = os.environ.get("RUNTIME_ROLE")

    def migrate(connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if runtime_role:
                grant_runtime_privileges(connection, runtime_role)

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())


def grant_runtime_privileges(connection, role: str) -> None:
    """The service's own role owns nothing: it reads and writes rows, and may only add to the audit log (no
    UPDATE, DELETE or TRUNCATE there; and, owning no table, it cannot alter one, drop or disable a trigger, or
    create tables). Migrations and replays run as the owner role. Re-run after every migration."""
    quoted = '"' + role.replace('"', '""') + '"'
    tables = {name for (name,) in connection.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all()}
    for statement in [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        *([f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_log FROM {quoted}"] if "audit_log" in tables else []),
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
    ]:
        connection.exec_driver_sql(statement)


def create_outbox_v1() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("data", JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(), nullable=True),
    )
    # The relay only ever looks for unpublished rows in order.
    op.create_index("outbox_unpublished", "outbox", ["seq"], postgresql_where=sa.text("published_at IS NULL"))


def create_audit_log_v1() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("child_id", sa.String(), nullable=True),
        sa.Column("purpose", sa.String(), nullable=True),
    )
    op.create_index("audit_log_child", "audit_log", ["child_id"])
    op.execute(
        "CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()"
    )


def add_audit_outcome_v2() -> None:
    """audit_log.outcome: "ok" for an access that happened, else the HTTP status of a refused attempt."""
    op.add_column("audit_log", sa.Column("outcome", sa.String(), nullable=True))


def create_withdrawn_records_v1() -> None:
    """Tombstones of withdrawn records in a consumer's projections (backbone.projections.apply_latest)."""
    op.create_table(
        "withdrawn_records",
        sa.Column("table_name", sa.String(), primary_key=True),
        sa.Column("record_id", sa.String(), primary_key=True),
        sa.Column("record_version", sa.BigInteger(), nullable=False),
    )


def create_idempotency_keys_v1() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("request_fingerprint", sa.String(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def create_consumer_tables_v1() -> None:
    """For services that consume events: the duplicate guard and the dead-letter table."""
    op.create_table(
        "processed_events",
        sa.Column("source", sa.String(), primary_key=True),
        sa.Column("event_id", sa.String(), primary_key=True),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.Column("event_type", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def create_shared_access_tables_v1() -> None:
    """What every instance of a service must see at once and keep across restarts (backbone.access):
    revoked clients, the client assertions already used (single use, kept until they expire), refused
    attempts without a valid credential (counted per source, resource, answer and minute: a bounded table,
    pruned by housekeeping, instead of one audit row each); and the children an access disclosed
    (audit_log.child_ids, e.g. a KPI drill-down's)."""
    op.create_table(
        "revoked_clients",
        sa.Column("client_id", sa.String(), primary_key=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "used_assertions",
        sa.Column("client_id", sa.String(), primary_key=True),
        sa.Column("jti", sa.String(), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "refused_attempts",
        sa.Column("minute", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("source", sa.String(), primary_key=True),
        sa.Column("resource", sa.String(), primary_key=True),
        sa.Column("status", sa.Integer(), primary_key=True),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
    )
    op.add_column("audit_log", sa.Column("child_ids", sa.ARRAY(sa.String()), nullable=True))
    op.create_index("audit_log_child_ids", "audit_log", ["child_ids"], postgresql_using="gin")
