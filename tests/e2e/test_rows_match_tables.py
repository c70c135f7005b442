"""The write path's rows (backbone.writes.Row dataclasses) have exactly the columns of the tables the
migrations made: a column added to one and not the other fails here, not at the first write."""

import asyncpg
import pytest

import care_register
from backbone.writes import AuditRow, IdempotencyRow, OutboxRow, columns
from devstack.infra import run_blocking
from education_service import records as education
from health_service import records as health
from leaving_care_service import records as leaving_care
from placements_service import households
from placements_service import records as placements

pytestmark = pytest.mark.integration

ROWS = {
    "placements": [*placements.STORE_ORDER, households.Approval, OutboxRow, IdempotencyRow],
    "health": [health.Assessment, care_register.KnownPeriod, OutboxRow, IdempotencyRow],
    "education": [education.Notification, education.InitialPep, care_register.KnownPeriod, OutboxRow, IdempotencyRow],
    "leaving_care": [leaving_care.CareLeaverStatus, leaving_care.AdviserAllocation, care_register.KnownPeriod, OutboxRow,
                     IdempotencyRow],
}
# Filled in by the database on insert: the row classes leave them out.
DEFAULTED = {"outbox": {"seq", "created_at", "published_at", "attempts", "last_error"},
             "idempotency_keys": {"created_at"}, "audit_log": {"id", "at", "child_ids"}}  # child_ids: many-children reads only


async def table_columns(url: str, table: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        return {r["column_name"] for r in await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table)}
    finally:
        await connection.close()


@pytest.mark.parametrize("service", sorted(ROWS))
def test_every_row_class_has_its_tables_columns(stack, service):
    for row in [*ROWS[service], AuditRow]:
        in_table = run_blocking(table_columns(stack.owner_urls[service], row.TABLE))
        assert set(columns(row)) == in_table - DEFAULTED.get(row.TABLE, set()), row.__name__
