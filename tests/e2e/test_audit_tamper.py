"""The audit log cannot be erased by the service that writes it: each way around the append-only trigger,
tried as the role a service runs as (as docker-compose and make run both set it up), is refused."""

import asyncio

import asyncpg
import pytest

pytestmark = pytest.mark.integration

ATTEMPTS = {
    "update a row": "UPDATE audit_log SET client_id = 'someone-else'",
    "delete rows": "DELETE FROM audit_log",
    "truncate": "TRUNCATE audit_log",
    "disable the trigger": "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "disable every trigger": "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "drop the trigger": "DROP TRIGGER audit_log_append_only ON audit_log",
    "replace the trigger function": "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger "
                                    "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
    "skip triggers for the session": "SET session_replication_role = replica",
    "drop the table": "DROP TABLE audit_log",
    "rename the table": "ALTER TABLE audit_log RENAME TO audit_log_old",
    "create a stand-in table": "CREATE TABLE audit_log_new (LIKE audit_log)",
    "grant itself more": "GRANT DELETE ON audit_log TO CURRENT_USER; DELETE FROM audit_log",  # grants nothing, warns
}


async def attempt(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.mark.parametrize("how", list(ATTEMPTS))
@pytest.mark.parametrize("service", ["placements", "health", "indicators"])
def test_the_service_role_cannot_get_around_the_append_only_audit_log(stack, service, how):
    with pytest.raises((asyncpg.InsufficientPrivilegeError, asyncpg.exceptions.CantChangeRuntimeParamError)):
        asyncio.run(attempt(stack.database_urls[service], ATTEMPTS[how]))


def test_the_service_role_still_adds_to_the_audit_log_and_owns_nothing(stack):
    async def check():
        connection = await asyncpg.connect(stack.database_urls["placements"])
        try:
            role = await connection.fetchval("SELECT current_user")
            owned = await connection.fetchval(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)")
            async with connection.transaction():
                await connection.execute("INSERT INTO audit_log (client_id, action, resource, outcome) "
                                         "VALUES ('tamper-test', 'read', 'test', 'ok')")
            return role, owned
        finally:
            await connection.close()

    role, owned = asyncio.run(check())
    assert role == "stack_placements" and owned == 0
