"""The consumer loop: at-least-once delivery, applied exactly once per event, and never stalled by one record.

Each fetched batch of records is applied in one database transaction: one statement claims the batch's
(ce_source, ce_id) pairs in processed_events and returns those not there yet, and only those events are
applied (multi-row upserts by the service's batch handler); a duplicate, in the batch or from before, changes
nothing. Offsets are committed to Kafka only after that transaction has committed, so a crash re-delivers
rather than loses.

When the batch's transaction fails, its records are applied one by one, each in its own transaction: a
record that cannot be applied is retried a few times with backoff, then parked in dead_letters with the
reason (counted in cla_consumer_dead_letters_total) while the others are applied, and the partition moves on;
`python -m backbone.redrive` applies parked records again after a fix. When the database itself is down,
nothing is parked: the consumer waits for it and retries, since the records are not at fault.
"""

import asyncio
import logging
import socket
import time
from collections import Counter as Tally
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer
from prometheus_client import Counter, Gauge
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.db import Sessions, reachable
from backbone.events import Event, InvalidEvent, from_kafka_record
from backbone.kafka import stop_within
from backbone.tables import DeadLetter, ProcessedEvent

log = logging.getLogger(__name__)

APPLIED = Counter("cla_events_applied_total", "Domain events applied (committed; duplicates not counted)",
                  ["group", "event_type"])
DEAD_LETTERS = Counter("cla_consumer_dead_letters_total", "Records parked in dead_letters, by reason",
                       ["group", "reason"])
RESTARTS = Counter("cla_consumer_restarts_total", "Consumer restarts after a failure", ["group"])
LAG = Gauge("cla_consumer_lag_records", "Records on the partition not yet applied (high watermark - position)",
            ["group", "topic", "partition"])
PARKED = Gauge("cla_consumer_parked_records", "Records sitting in the service's dead_letters table (read from it)",
               ["group"])
NEWEST_APPLIED = Gauge("cla_consumer_newest_record_timestamp_seconds",
                       "Broker timestamp of the newest record the consumer has handled (time() - this = its age)",
                       ["group"])

# Database errors that say the database (or our access to it) is unwell, not the record: wait, never park.
# Connection (08), transaction state such as read-only (25), resources such as a full disk (53), operator
# intervention (57), missing privilege (42501), missing table (42P01, a migration not run yet).
SYSTEMIC_SQLSTATES = ("08", "25", "53", "57", "42501", "42P01")


def systemic(error: BaseException) -> bool:
    state = getattr(getattr(error, "orig", None), "sqlstate", None) or getattr(error, "sqlstate", None)
    return bool(state) and str(state).startswith(SYSTEMIC_SQLSTATES)


# Why a record was parked: the label values of cla_consumer_dead_letters_total (a closed set).
INVALID = "invalid_event"  # breaks the envelope or its contract: retrying cannot help
APPLY_FAILED = "apply_failed"  # the handler or the database refused it, every time it was tried

# Applies one event inside the caller's transaction. Raise InvalidEvent for an event that cannot be applied.
Handler = Callable[[AsyncSession, Event], Awaitable[None]]
# Applies many events inside the caller's transaction, with the result of applying them one by one in any order
# (upserts of absolute state by record_version): a batch may hold several versions of one record.
BatchHandler = Callable[[AsyncSession, list[Event]], Awaitable[None]]


def one_by_one(handle: Handler) -> BatchHandler:
    """A batch handler for a service that has only a one-event handler."""
    async def handle_each(session: AsyncSession, events: list[Event]) -> None:
        for event in events:
            await handle(session, event)
    return handle_each


# The duplicate guard for a whole batch in one statement (one array parameter per column, any batch size).
_CLAIM = text("""
    INSERT INTO processed_events (source, event_id, event_type)
    SELECT * FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[]), CAST(:types AS text[]))
    ON CONFLICT DO NOTHING RETURNING source, event_id
""")


async def apply_records(sessions: Sessions, handle: Handler, handle_batch: BatchHandler, records: list,
                        group: str = "", attempts: int = 3, retry_seconds: float = 0.2,
                        waiting: Callable[[], None] = lambda: None) -> int:
    """Apply a fetched batch of records in one transaction; returns how many events it applied (duplicates and
    parked records not counted). If the transaction fails, the records are applied one by one (retried, then
    parked), so one bad record never holds back the others; while the database is unwell, wait and retry."""
    while True:
        try:
            new, parked = await _apply_together(sessions, handle_batch, records)
            break
        except Exception as error:
            if await _waited_for_the_database(sessions, error, group, retry_seconds, waiting):
                continue
            log.warning("consumer %s: a batch of %d failed (%s); applying its records one by one", group,
                        len(records), type(error).__name__)
            return sum([await apply_patiently(sessions, handle, record, group, attempts, retry_seconds, waiting)
                        for record in records])
    # Counted once the transaction has committed.
    if parked:
        DEAD_LETTERS.labels(group, INVALID).inc(parked)
    for event_type, count in Tally(event.type for event in new).items():
        APPLIED.labels(group, event_type).inc(count)
    return len(new)


async def _apply_together(sessions: Sessions, handle_batch: BatchHandler, records: list) -> tuple[list[Event], int]:
    """(the events applied, the number of records parked) in one transaction."""
    async with sessions() as session, session.begin():
        events: dict[tuple[str, str], Event] = {}
        parked = 0
        for record in records:
            try:
                event = from_kafka_record(record)
            except InvalidEvent as error:
                parked += await dead_letter(session, record, None, INVALID, error)
            else:
                events.setdefault((event.source, event.id), event)  # a duplicate inside the batch: once
        if not events:
            return [], parked
        claimed = await session.exec(_CLAIM.bindparams(
            sources=[source for source, _ in events], ids=[event_id for _, event_id in events],
            types=[event.type for event in events.values()]))
        claimed_keys = set(map(tuple, claimed.all()))
        new = [event for key, event in events.items() if key in claimed_keys]  # in the order delivered
        if new:
            await handle_batch(session, new)
    return new, parked


async def apply_record(sessions: Sessions, handle: Handler, record, group: str = "") -> bool:
    """Apply one Kafka record in one transaction; True when it changed something (not a duplicate).

    An invalid event is parked at once. Any other error propagates: the caller decides to retry or park."""
    changed = parked = False
    event = None
    async with sessions() as session, session.begin():
        try:
            event = from_kafka_record(record)
        except InvalidEvent as error:
            parked = await dead_letter(session, record, None, INVALID, error)
        else:
            changed, parked = await _claim_and_apply(session, handle, record, event)
    # Counted once the transaction has committed: a retried attempt is not counted twice.
    if parked:
        DEAD_LETTERS.labels(group, INVALID).inc()
    if changed:
        APPLIED.labels(group, event.type).inc()
    return changed


async def _claim_and_apply(session: AsyncSession, handle: Handler, record, event: Event) -> tuple[bool, bool]:
    """(changed, parked)."""
    claimed = await session.exec(
        insert(ProcessedEvent)
        .values(source=event.source, event_id=event.id, event_type=event.type)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    if claimed.first() is None:
        return False, False  # already applied: a redelivery or a re-send from an outbox relay
    try:
        async with session.begin_nested():
            await handle(session, event)
    except InvalidEvent as error:
        # Parked, and claimed so that redeliveries are not parked again (re-drive removes the claim).
        return False, await dead_letter(session, record, event, INVALID, error)
    return True, False


async def park(sessions: Sessions, record, error: Exception, group: str = "") -> None:
    """Park a record that failed every attempt, in a transaction of its own."""
    try:
        event = from_kafka_record(record)
    except InvalidEvent:
        event = None
    async with sessions() as session, session.begin():
        added = await dead_letter(session, record, event, APPLY_FAILED, error)
    if added:
        DEAD_LETTERS.labels(group, APPLY_FAILED).inc()


async def dead_letter(session: AsyncSession, record, event: Event | None, reason: str, error: Exception) -> bool:
    """Add the record to dead_letters in the caller's transaction; False when it is there already (a
    redelivery or a replay of a record already parked is not parked again)."""
    already = await session.exec(select(DeadLetter.id).where(
        DeadLetter.topic == record.topic, DeadLetter.partition == record.partition, DeadLetter.offset == record.offset))
    if already.first() is not None:
        return False
    # The reason is logged, never the record: it may hold a child's data.
    log.warning("parked %s[%s]@%s (%s): %s", record.topic, record.partition, record.offset, reason, type(error).__name__)
    session.add(DeadLetter(
        topic=record.topic, partition=record.partition, offset=record.offset,
        event_id=storable(event.id) if event else None, event_type=storable(event.type) if event else None,
        error=dead_letter_reason(reason, error),
    ))
    return True


def dead_letter_reason(reason: str, error: Exception) -> str:
    return storable(f"{reason}: {describe(error)}")[:2000]


def storable(text: str) -> str:
    """``text`` with every character that is not printable escaped (\\x00, \\udcff...): a reason that quotes a
    record's bytes can always be stored (PostgreSQL refuses a NUL, UTF-8 a lone surrogate) and read."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def describe(error: Exception) -> str:
    """The reason in a line: a database error's own first line, without SQLAlchemy's statement and parameters
    or PostgreSQL's DETAIL (which quotes the row: a child's data)."""
    text = str(getattr(error, "orig", None) or error)
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"


class EventConsumer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: list[str],
        sessions: Sessions,
        handle: Handler,
        handle_batch: BatchHandler | None = None,
        after_changes: Callable[[], Awaitable[None]] | None = None,
        instance_id: str | None = None,
        attempts: int = 3,
        retry_seconds: float = 0.2,
        max_batch: int = 2000,
    ):
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = topics
        self._sessions = sessions
        self.handle = handle
        self.handle_batch = handle_batch or one_by_one(handle)
        self._max_batch = max_batch
        self._after_changes = after_changes
        # Static membership: a restarted instance takes its partitions back at once instead of waiting for the
        # group to notice the old member died (KIP-345). Unique per running instance; the host name by default.
        self._instance_id = instance_id or f"{group_id}-{socket.gethostname()}"
        self._attempts = attempts
        self._retry_seconds = retry_seconds
        self.client = None  # the running consumer's client, for readiness checks
        self._newest = 0.0  # broker timestamp of the newest record handled, in seconds
        # False from a failure (a restart, a wait for the database) until a batch is committed again: readiness.
        self.healthy = True
        self._parked_counted_at = 0.0
        # Every label set an alert reads exists from the start at 0, so the first increase is seen as one.
        for reason in (INVALID, APPLY_FAILED):
            DEAD_LETTERS.labels(group_id, reason)
        RESTARTS.labels(group_id)

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self._group_id,
            group_instance_id=self._instance_id,
            session_timeout_ms=10000,
            heartbeat_interval_ms=1000,
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
                self.healthy = False
                RESTARTS.labels(self._group_id).inc()
                await asyncio.sleep(1)
            finally:
                self.client = None
                await stop_within(consumer, f"consumer {self._group_id}")

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=self._max_batch)
            records = [record for batch in batches.values() for record in batch]
            for tp, batch in batches.items():
                self._set_lag(consumer, tp, batch[0].offset)  # while they are applied, they are behind
            applied = await apply_records(self._sessions, self.handle, self.handle_batch, records, self._group_id,
                                          self._attempts, self._retry_seconds, self._waiting) if records else 0
            if batches:
                await consumer.commit()
            for tp, batch in batches.items():
                self._set_lag(consumer, tp, batch[-1].offset + 1)
                self._newest = max(self._newest, batch[-1].timestamp / 1000)  # of all partitions: never backwards
            NEWEST_APPLIED.labels(self._group_id).set(self._newest)
            self.healthy = True
            await self.count_parked(now=applied < len(records))  # a record not applied may have been parked
            if applied and self._after_changes:
                await self._after_changes()

    def _set_lag(self, consumer: AIOKafkaConsumer, tp, next_offset: int) -> None:
        LAG.labels(self._group_id, tp.topic, str(tp.partition)).set(max(0, (consumer.highwater(tp) or 0) - next_offset))

    async def count_parked(self, now: bool = True, every_seconds: float = 15) -> None:
        """Read how many records sit in dead_letters (redrive, in another process, takes them out)."""
        if not now and time.monotonic() - self._parked_counted_at < every_seconds:
            return
        self._parked_counted_at = time.monotonic()
        try:
            async with self._sessions() as session:
                PARKED.labels(self._group_id).set((await session.exec(select(func.count()).select_from(DeadLetter))).scalar_one())
        except Exception as error:  # the database is unwell: the next batch waits for it; this figure can wait too
            log.warning("consumer %s: could not count dead_letters (%s)", self._group_id, type(error).__name__)

    async def apply(self, record) -> bool:
        return await apply_patiently(self._sessions, self.handle, record, self._group_id, self._attempts,
                                     self._retry_seconds, waiting=self._waiting)

    def _waiting(self) -> None:
        self.healthy = False


async def _waited_for_the_database(sessions: Sessions, error: Exception, group: str, retry_seconds: float,
                                   waiting: Callable[[], None]) -> bool:
    """When the failure is the database's (unreachable or unwell), not the records': wait a moment, True."""
    if not (systemic(error) or not await reachable(sessions)):
        return False
    waiting()
    log.warning("consumer %s: the database is unwell (%s); retrying", group, type(error).__name__)
    await asyncio.sleep(max(1.0, retry_seconds))
    return True


async def apply_patiently(sessions: Sessions, handle: Handler, record, group: str, attempts: int = 3,
                          retry_seconds: float = 0.2, waiting: Callable[[], None] = lambda: None) -> bool:
    """Apply one record; retry a failure with backoff, then park it so the partition moves on.

    While the database is unreachable or unwell the failure is systemic, not the record's: wait without counting."""
    failures = 0
    while True:
        try:
            return await apply_record(sessions, handle, record, group)
        except Exception as error:
            if await _waited_for_the_database(sessions, error, group, retry_seconds, waiting):
                continue
            failures += 1
            if failures >= attempts:
                await park(sessions, record, error, group)
                return False
            await asyncio.sleep(retry_seconds * 2 ** (failures - 1))
