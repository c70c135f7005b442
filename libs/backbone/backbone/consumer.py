"""The consumer loop: at-least-once delivery, applied exactly once per event.

For each record, one database transaction both records (ce_source, ce_id) in processed_events and applies
the event; a duplicate finds its id already there and changes nothing. Offsets are committed to Kafka only
after the batch's transactions have committed, so a crash re-delivers rather than loses.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy.dialects.postgresql import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.db import Sessions
from backbone.events import Event, InvalidEvent, from_kafka_record
from backbone.tables import DeadLetter, ProcessedEvent

log = logging.getLogger(__name__)

# Applies one event inside the caller's transaction. Raise InvalidEvent for an event that cannot be applied.
Handler = Callable[[AsyncSession, Event], Awaitable[None]]


async def apply_record(sessions: Sessions, handle: Handler, record) -> bool:
    """Apply one Kafka record in one transaction; True when it changed something (not a duplicate)."""
    async with sessions() as session, session.begin():
        try:
            event = from_kafka_record(record)
        except InvalidEvent as error:
            session.add(_dead_letter(record, None, error))
            return False
        claimed = await session.exec(
            insert(ProcessedEvent)
            .values(source=event.source, event_id=event.id, event_type=event.type)
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.event_id)
        )
        if claimed.first() is None:
            return False  # already applied: a redelivery or a re-send from an outbox relay
        try:
            async with session.begin_nested():
                await handle(session, event)
        except InvalidEvent as error:
            session.add(_dead_letter(record, event, error))
            return False
        return True


def _dead_letter(record, event: Event | None, error: Exception) -> DeadLetter:
    log.warning("dead-lettered %s[%s]@%s: %s", record.topic, record.partition, record.offset, error)
    return DeadLetter(
        topic=record.topic, partition=record.partition, offset=record.offset,
        event_id=event.id if event else None, event_type=event.type if event else None, error=str(error)[:2000],
    )


class EventConsumer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: list[str],
        sessions: Sessions,
        handle: Handler,
        after_changes: Callable[[], Awaitable[None]] | None = None,
    ):
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = topics
        self._sessions = sessions
        self._handle = handle
        self._after_changes = after_changes
        self.client = None  # the running consumer's client, for readiness checks

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=5000,  # notice topics created after start-up quickly
            # Long poll: Apache Kafka answers a waiting fetch as soon as one event arrives (fetch_min_bytes=1),
            # so the wait costs no freshness and keeps an idle consumer quiet (docs/benchmarks.md).
            fetch_min_bytes=1,
            fetch_max_wait_ms=500,
        )

    async def run(self) -> None:
        """Consume until cancelled; after any failure, restart from the last committed offsets."""
        while True:
            consumer = self._new_consumer()
            try:
                await consumer.start()
                self.client = consumer._client
                await self._consume(consumer)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("consumer %s failed; restarting from committed offsets", self._group_id)
                await asyncio.sleep(1)
            finally:
                self.client = None
                await consumer.stop()

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            changed = False
            for records in batches.values():
                for record in records:
                    changed |= await apply_record(self._sessions, self._handle, record)
            if batches:
                await consumer.commit()
            if changed and self._after_changes:
                await self._after_changes()


async def replay_topics(*, bootstrap_servers: str, topics: list[str], sessions: Sessions, handle: Handler) -> int:
    """Read every topic from the beginning to its current end and apply each record; returns records read.

    The caller empties its projections and processed_events first. Uses no consumer group, so the live
    consumer's committed offsets are untouched.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()  # aiokafka has no public call for partitions of unsubscribed topics
        partitions = [
            TopicPartition(topic, p) for topic in topics for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return 0
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > 0}
        read = 0
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    await apply_record(sessions, handle, record)
                    read += 1
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
        return read
    finally:
        await consumer.stop()

