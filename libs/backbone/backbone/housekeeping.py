"""Pruning what is only needed for a while: published outbox rows, idempotency keys, processed-event ids,
counts of refused attempts without a credential, and client assertions past their expiry.

Retention (settings) keeps the duplicate protection far longer than any redelivery: a partner retries a
request within minutes, and a consumer re-reads at most what it had not committed (seconds). A replay
rebuilds its own duplicate guard from the topics, so it needs none of the pruned ids. Deletes go in small
batches so that no lock is held for long, and only by tables the service has."""

import asyncio
import logging
from datetime import timedelta

from prometheus_client import Counter
from sqlalchemy import text

from backbone.db import Sessions

log = logging.getLogger(__name__)

PRUNED = Counter("cla_housekeeping_pruned_total", "Rows pruned after their retention", ["table"])
BATCH = 5_000

# table -> (the timestamp its age is read from, an extra condition)
PRUNABLE = {
    "outbox": ("published_at", "published_at IS NOT NULL"),  # an unpublished row is never pruned
    "idempotency_keys": ("created_at", "true"),
    "processed_events": ("processed_at", "true"),
    "refused_attempts": ("minute", "true"),
    "used_assertions": ("expires_at", "true"),  # kept until the assertion has expired: then it is refused anyway
}


async def prune(sessions: Sessions, table: str, older_than: timedelta) -> int:
    """Delete ``table``'s rows older than ``older_than``; returns how many."""
    column, condition = PRUNABLE[table]
    deleted = 0
    while True:
        async with sessions() as session, session.begin():
            result = await session.exec(text(
                f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} "
                f"WHERE {condition} AND {column} < now() - CAST(:age AS interval) LIMIT {BATCH})"
            ).bindparams(age=f"{int(older_than.total_seconds())} seconds"))
        deleted += result.rowcount
        PRUNED.labels(table).inc(result.rowcount)
        if result.rowcount < BATCH:
            return deleted


class Housekeeping:
    def __init__(self, sessions: Sessions, retention: dict[str, timedelta], interval_seconds: float):
        self._sessions, self._retention, self._interval = sessions, retention, interval_seconds

    async def run_once(self) -> dict[str, int]:
        async with self._sessions() as session:
            present = {t for t in self._retention if (await session.exec(
                text("SELECT to_regclass(:t) IS NOT NULL").bindparams(t=f"public.{t}"))).scalar()}
        return {table: await prune(self._sessions, table, self._retention[table]) for table in sorted(present)}

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("housekeeping failed; trying again later")
            await asyncio.sleep(self._interval)
