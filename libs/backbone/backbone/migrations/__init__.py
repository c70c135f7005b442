"""Each service's Alembic migrations: the shared env.py body, and the shared tables' own histories.

The infrastructure tables are migrated once, here, as Alembic branches a service's history depends on
(its first revision's ``depends_on``; its alembic.ini lists the branches' folders in ``version_locations``):

- ``producer/``: the outbox and the idempotency keys (a service that takes partners' writes and publishes);
- ``audit/``: the append-only audit log and the access state every instance shares (revoked clients, used
  client assertions, refused attempts) (every service);
- ``consumer/``: processed events, dead letters, withdrawn records' tombstones (a service that consumes);
- ``care_register:migrations``: the periods of care learnt from the placements topic.

A change to one of those tables is one new revision in its branch (``down_revision`` its branch's last), and
every service that lists the branch gets it at its next ``alembic upgrade heads``.
"""

import asyncio
import os

from alembic import context
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
