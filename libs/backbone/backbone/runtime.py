"""What a running service owns besides its routes: database, outbox relay, consumer, background tasks."""

import asyncio
from datetime import timedelta
from collections.abc import Awaitable, Callable

import asyncpg

from backbone.consumer import EventConsumer, Handler
from backbone.db import create_engine, reachable, session_factory
from backbone.housekeeping import Housekeeping
from backbone.kafka import broker_reachable, create_producer
from backbone.outbox import OutboxRelay
from backbone.settings import ServiceSettings
from backbone.writes import pool_url


async def _leave_as_is(connection: asyncpg.Connection) -> None:
    pass


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.engine = create_engine(settings.async_database_url)
        self.sessions = session_factory(self.engine)
        # The write path's bare asyncpg pool (backbone.writes), opened at start-up in the service's event loop.
        self.pool: asyncpg.Pool | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: EventConsumer | None = None
        self._extra_tasks: list[Callable[[], Awaitable[None]]] = []
        self._preparations: list[Callable[[], Awaitable[None]]] = []
        self._tasks: list[asyncio.Task] = []

    @property
    def source(self) -> str:
        """ce_source of every event this service publishes."""
        return f"/cla/{self.settings.service_name}"

    def publish_events(self) -> "ServiceRuntime":
        s = self.settings
        self.relay = OutboxRelay(
            self.sessions, lambda: create_producer(s.kafka_bootstrap_servers, s.service_name, s.kafka_enable_idempotence),
            self.source, s.outbox_poll_seconds,
        )
        return self

    def consume_events(
        self, topics: list[str], handle: Handler, after_changes: Callable[[], Awaitable[None]] | None = None
    ) -> "ServiceRuntime":
        self.consumer = EventConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.settings.service_name,
            topics=topics,
            sessions=self.sessions,
            handle=handle,
            after_changes=after_changes,
            instance_id=self.settings.consumer_instance_id,
        )
        return self

    def run_in_background(self, task: Callable[[], Awaitable[None]]) -> "ServiceRuntime":
        self._extra_tasks.append(task)
        return self

    def before_start(self, step: Callable[[], Awaitable[None]]) -> "ServiceRuntime":
        """A step that must finish before the service consumes, serves or runs its tasks (e.g. load a table)."""
        self._preparations.append(step)
        return self

    def events_staged(self) -> None:
        if self.relay:
            self.relay.wake()

    def housekeeping(self) -> Housekeeping:
        s = self.settings
        return Housekeeping(self.sessions, {
            "outbox": timedelta(days=s.outbox_retention_days),
            "idempotency_keys": timedelta(days=s.idempotency_retention_days),
            "processed_events": timedelta(days=s.processed_events_retention_days),
            "refused_attempts": timedelta(days=s.refused_attempts_retention_days),
            "used_assertions": timedelta(0),
        }, s.housekeeping_interval_seconds)

    async def start(self) -> None:
        # No reset on release: the write path leaves nothing on a connection (transactions only, and their
        # advisory locks end with them), so the reset would be a round trip per request for nothing.
        self.pool = await asyncpg.create_pool(pool_url(self.settings.async_database_url), min_size=2, max_size=20,
                                              reset=_leave_as_is)
        for step in self._preparations:
            await step()
        loops = [self.housekeeping().run]
        loops += [self.relay.run] if self.relay else []
        loops += [self.consumer.run] if self.consumer else []
        self._tasks = [asyncio.create_task(loop()) for loop in loops + self._extra_tasks]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.relay:
            await self.relay.stop()
        await self.engine.dispose()
        if self.pool:
            await self.pool.close()

    async def readiness(self) -> dict[str, bool]:
        checks = {"database": await reachable(self.sessions)}
        # A client that has not connected yet (None) means the broker is not reachable yet.
        clients = []
        if self.relay:
            clients.append(self.relay.client if self.relay.started else None)
        if self.consumer:
            clients.append(self.consumer.client)
        checks["broker"] = all([c is not None and await broker_reachable(c) for c in clients])
        return checks
