"""Rebuild a consumer's projections from the topics, atomically: readers never see a half-built state.

The rebuild fills copies of the projection tables in a schema of its own (``rebuild``), many records per
transaction, while the live tables keep serving and the live consumer keeps applying. Then, in one
transaction that holds the live duplicate guard (so the live consumer pauses), it applies what arrived
meanwhile and swaps the rebuilt tables in (same names, same index names). Killed at any point before that
commit, it leaves the live tables as they were; the next rebuild starts the copies again from empty.
The domain topics are kept forever, so the rebuild reads the whole history.
"""

import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.consumer import INVALID, Handler, _dead_letter, apply_record, park
from backbone.db import Sessions, session_factory
from backbone.events import Event, InvalidEvent, from_kafka_record
from backbone.tables import ProcessedEvent

log = logging.getLogger(__name__)

SCHEMA = "rebuild"
# Applies many events inside the caller's transaction. Like every projection update here it must be idempotent
# (upserts of absolute state by record_version): a re-sent event may be among them.
BatchHandler = Callable[[AsyncSession, list[Event]], Awaitable[None]]


async def rebuild(*, database_url: str, bootstrap_servers: str, topics: list[str], tables: list[str],
                  handle: Handler, handle_batch: BatchHandler, batch_size: int = 5000,
                  progress: Callable[[int, float], None] | None = None) -> int:
    """Rebuild ``tables`` (and the duplicate guard and dead letters) from ``topics``; returns records read."""
    tables = [*tables, "processed_events", "dead_letters"]
    live = create_async_engine(database_url)
    # The rebuild's own connections see the copies under the same names as the live tables.
    building = create_async_engine(database_url, connect_args={"server_settings": {"search_path": SCHEMA}})
    sessions = session_factory(building)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None,
                                max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        async with live.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))  # a killed rebuild's copies
            await connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            for table in tables:
                await connection.execute(text(f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)"))
        partitions = await _partitions(consumer, topics)
        read = 0
        if partitions:
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            read = await _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, progress)
        async with live.begin() as connection:
            # The live consumer claims each event here first: holding this pauses it until the swap commits.
            await connection.execute(text("LOCK TABLE public.processed_events IN EXCLUSIVE MODE"))
            if partitions:
                read += await _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, None)
            for table in tables:
                await _swap(connection, table)
            await connection.execute(text(f"DROP SCHEMA {SCHEMA}"))
        return read
    finally:
        await consumer.stop()
        await building.dispose()
        await live.dispose()


async def _partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    cluster = await consumer._client.fetch_all_metadata()  # aiokafka has no public call for partitions of unsubscribed topics
    return [TopicPartition(topic, p) for topic in topics for p in sorted(cluster.partitions_for_topic(topic) or ())]


async def _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, progress) -> int:
    """Apply every record up to the partitions' current ends, in batches; returns records read."""
    end = await consumer.end_offsets(partitions)
    remaining = {tp for tp in partitions if await consumer.position(tp) < end[tp]}
    read, started = 0, time.monotonic()
    while remaining:
        fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
        records = [record for batch in fetched.values() for record in batch]
        if records:
            await apply_batch(sessions, handle, handle_batch, records)
            read += len(records)
            if progress:
                progress(read, time.monotonic() - started)
        for tp in list(remaining):
            if await consumer.position(tp) >= end[tp]:
                remaining.discard(tp)
    return read


async def apply_batch(sessions: Sessions, handle: Handler, handle_batch: BatchHandler, records: list) -> None:
    """Apply many records in one transaction; if that fails, apply them one by one (parking what fails)."""
    try:
        async with sessions() as session, session.begin():
            events = []
            for record in records:
                try:
                    events.append(from_kafka_record(record))
                except InvalidEvent as error:
                    await _dead_letter(session, record, None, INVALID, error, "rebuild")
            if events:
                # The duplicate guard is filled for the live consumer's sake (after the swap it skips these).
                await (await session.connection()).execute(
                    insert(ProcessedEvent).on_conflict_do_nothing(),
                    [{"source": e.source, "event_id": e.id, "event_type": e.type} for e in events],
                )
                await handle_batch(session, events)
    except Exception as error:
        log.warning("rebuild: a batch of %d failed (%s); applying its records one by one", len(records), type(error).__name__)
        for record in records:
            try:
                await apply_record(sessions, handle, record, "rebuild")
            except Exception as record_error:
                await park(sessions, record, record_error, "rebuild")


async def _swap(connection: AsyncConnection, table: str) -> None:
    """Put the rebuilt copy of ``table`` in place of the live one, keeping the live one's index names."""
    shape = r"regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ON \S+ ', '')"
    query = text(f"SELECT {shape} AS shape, indexname FROM pg_indexes WHERE schemaname = :schema AND tablename = :table")
    live_names = dict((await connection.execute(query, {"schema": "public", "table": table})).all())
    await connection.execute(text(f"DROP TABLE public.{table}"))
    await connection.execute(text(f"ALTER TABLE {SCHEMA}.{table} SET SCHEMA public"))
    for shape_of, name in (await connection.execute(query, {"schema": "public", "table": table})).all():
        wanted = live_names.get(shape_of)
        if wanted and wanted != name:
            await connection.execute(text(f'ALTER INDEX public."{name}" RENAME TO "{wanted}"'))
