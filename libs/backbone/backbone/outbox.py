"""Transactional outbox: events are written with the record they describe, and a relay publishes them.

Nothing committed is lost (rows stay until the broker has acknowledged them, and a restarted relay picks
up whatever a crash left behind) and nothing uncommitted is published (the relay only sees committed rows).
A row may be published twice after a crash between the broker's ack and marking it published; consumers
drop the duplicate by its ce_id.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from aiokafka import AIOKafkaProducer
from prometheus_client import Counter, Gauge
from sqlalchemy import func, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import event_contracts
from backbone.db import Sessions
from backbone.events import to_kafka_message, topic_for
from backbone.kafka import stop_within
from backbone.tables import OutboxMessage

log = logging.getLogger(__name__)
# A failed send is retried after a growing pause, never longer than this: the broker's return is noticed within
# seconds (a broker that is still away is waited for by the new producer's start, once a second).
MAX_BACKOFF_SECONDS = 5.0

BACKLOG = Gauge("cla_outbox_unpublished", "Outbox rows committed but not yet acknowledged by the broker")
PRODUCER_REPLACED = Counter("cla_outbox_producer_restarts_total",
                            "Times the outbox relay replaced its Kafka producer after a failed send")
OLDEST_AGE = Gauge("cla_outbox_oldest_unpublished_age_seconds",
                   "Age of the oldest unpublished outbox row (0 when none): how late the bus is behind the database")


class ContractViolation(RuntimeError):
    """A service tried to publish an event that breaks its own contract: a bug, never the client's fault."""


def stage_event(session: AsyncSession, event_type: str, subject: str, data: dict) -> OutboxMessage:
    """Add an event to the caller's transaction. It is published only if that transaction commits."""
    problems = event_contracts.validation_errors(event_type, data)
    if problems:
        raise ContractViolation(f"{event_type}: {'; '.join(problems)}")
    message = OutboxMessage(id=uuid.uuid4(), topic=topic_for(event_type), event_type=event_type, subject=subject, data=data)
    session.add(message)
    return message


class OutboxRelay:
    """Publishes committed outbox rows in order, for as long as the service runs.

    After a failed send the relay starts a new producer. An idempotent producer cannot always carry on from a
    failure: a batch that expired while the broker was away used up its sequence numbers, so after the broker's
    return every later batch is refused (OutOfOrderSequenceNumber) for as long as that producer lives. A new
    one has a new producer id and starts its sequence again. Re-sent rows keep their event id (the outbox
    row's id), so a consumer drops any copy the broker had already written.
    """

    def __init__(self, sessions: Sessions, new_producer: Callable[[], AIOKafkaProducer], source: str,
                 poll_seconds: float = 0.5):
        self._sessions = sessions
        self._new_producer = new_producer
        self._producer: AIOKafkaProducer | None = None
        self._source = source
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    @classmethod
    def through(cls, sessions: Sessions, producer: AIOKafkaProducer, source: str) -> "OutboxRelay":
        """A relay that publishes through a producer the caller has started (and replaces with itself)."""
        relay = cls(sessions, lambda: producer, source)
        relay._producer = producer
        return relay

    @property
    def started(self) -> bool:
        return self._producer is not None

    @property
    def client(self):
        return self._producer.client if self._producer else None

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await stop_within(producer, "outbox relay")

    def wake(self) -> None:
        """Called after a commit that staged events, so they go out now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        # Measured on its own clock: while the broker is down a send can wait for its timeout (40 s).
        measuring = asyncio.create_task(self._measure_backlog_every(1.0))
        try:
            await self._publish_forever()
        finally:
            measuring.cancel()

    async def _publish_forever(self) -> None:
        backoff = self._poll_seconds
        while True:
            await self._start_producer()
            try:
                published = await self.publish_pending()
                backoff = self._poll_seconds
            except Exception as error:
                if isinstance(error, _SendFailed):
                    log.warning("outbox relay: %s (%s: %s); retrying in %.1fs with a new producer", error,
                                type(error.__cause__).__name__, error.__cause__, backoff)
                    PRODUCER_REPLACED.inc()
                    await self.stop()
                else:  # e.g. the database is down: the producer is fine
                    log.exception("outbox relay: publishing failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            if not published:
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def _start_producer(self) -> None:
        while self._producer is None:
            producer = self._new_producer()
            try:
                await producer.start()
                self._producer = producer
            except Exception as error:
                log.warning("outbox relay: broker not reachable yet (%s)", error)
                await stop_within(producer, "outbox relay")
                await asyncio.sleep(1)

    async def publish_pending(self, batch_size: int = 500) -> int:
        """Publish one batch of unpublished rows in order; returns how many went out."""
        try:
            async with self._sessions() as session, session.begin():
                rows = (
                    await session.exec(
                        select(OutboxMessage)
                        .where(OutboxMessage.published_at.is_(None))
                        .order_by(OutboxMessage.seq)
                        .limit(batch_size)
                        .with_for_update(skip_locked=True)
                    )
                ).all()
                if rows:
                    await self._send(rows)
                    await session.exec(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_([row.id for row in rows]))
                        .values(published_at=func.now())
                        .execution_options(synchronize_session=False)  # no need to look through the session
                    )
                return len(rows)
        except _SendFailed as failure:
            async with self._sessions() as session, session.begin():
                if failure.acknowledged:
                    await session.exec(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_(failure.acknowledged))
                        .values(published_at=func.now())
                        .execution_options(synchronize_session=False)  # no need to look through the session
                    )
                await session.exec(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(failure.ids))
                    .values(attempts=OutboxMessage.attempts + 1, last_error=str(failure.__cause__)[:500])
                )
            raise

    async def _send(self, rows: list[OutboxMessage]) -> None:
        """Send a batch; when part of it is not acknowledged, raise _SendFailed naming the rows that were.

        Only those are then marked published, so one failed send does not re-send the whole batch. (A re-sent
        event may then arrive after a later one of the same child; consumers keep the highest record_version.)
        """
        deliveries = []
        failure: Exception | None = None
        for row in rows:
            try:
                key, value, headers = to_kafka_message(
                    event_id=str(row.id), source=self._source, event_type=row.event_type,
                    subject=row.subject, time=row.created_at or datetime.now(timezone.utc), data=row.data,
                )
                deliveries.append(await self._producer.send(row.topic, value=value, key=key, headers=headers))
            except Exception as error:  # not even queued: nor is anything after it
                failure = error
                break
        outcomes = await asyncio.gather(*deliveries, return_exceptions=True)
        acknowledged = [row.id for row, outcome in zip(rows, outcomes) if not isinstance(outcome, BaseException)]
        failure = failure or next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failure is not None:
            acknowledged_ids = set(acknowledged)
            unacknowledged = [row.id for row in rows if row.id not in acknowledged_ids]
            raise _SendFailed(unacknowledged, acknowledged) from failure

    async def unpublished_count(self) -> int:
        async with self._sessions() as session:
            return (await session.exec(select(func.count()).where(OutboxMessage.published_at.is_(None)))).one()

    async def _measure_backlog_every(self, seconds: float) -> None:
        while True:
            try:
                async with self._sessions() as session:
                    count, oldest = (await session.exec(
                        select(func.count(), func.extract("epoch", func.now() - func.min(OutboxMessage.created_at)))
                        .where(OutboxMessage.published_at.is_(None))
                    )).one()
                BACKLOG.set(count)
                OLDEST_AGE.set(float(oldest or 0))
            except Exception as error:  # the database is down: readiness says so; keep the last figures
                log.warning("outbox relay: backlog not measured: %s", error)
            await asyncio.sleep(seconds)


class _SendFailed(Exception):
    def __init__(self, ids: list[uuid.UUID], acknowledged: list[uuid.UUID] = ()):
        super().__init__(f"{len(ids)} outbox rows not acknowledged by the broker")
        self.ids = ids
        self.acknowledged = list(acknowledged)


def publish(session: AsyncSession, event_type: str, data: dict) -> OutboxMessage:
    """Stage an event about a child (keyed by its child_id, so one child's events stay in order)."""
    return stage_event(session, event_type, data["child_id"], data)
