"""Rebuild a consumer's projections from the topics, atomically: readers never see a half-built state.

The rebuild fills copies of the projection tables in a schema of its own (``rebuild``), many records per
transaction, while the live tables keep serving and the live consumer keeps applying. Then, in one
transaction that holds the live duplicate guard (so the live consumer pauses), it applies what arrived
meanwhile and swaps the rebuilt tables in (same names, same index names). Killed at any point before that
commit, it leaves the live tables as they were; the next rebuild starts the copies again from empty.
The domain topics are kept forever, so the rebuild reads the whole history.
"""

import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backbone.consumer import BatchHandler, Handler, apply_records
from backbone.db import create_engine, session_factory

SCHEMA = "rebuild"
LOCK_ID = 0x636C6172  # pg_advisory_lock key: one rebuild at a time per database


class RebuildRefused(RuntimeError):
    """The rebuilt copies would be worse than the live tables: they were not swapped in."""


async def rebuild(*, database_url: str, bootstrap_servers: str, topics: list[str], tables: list[str],
                  handle: Handler, handle_batch: BatchHandler, batch_size: int = 5000,
                  progress: Callable[[int, float], None] | None = None) -> int:
    """Rebuild ``tables`` (and the duplicate guard and dead letters) from ``topics``; returns records read."""
    tables = [*tables, "processed_events", "dead_letters"]
    live = create_engine(database_url)
    # The rebuild's own connections see the copies under the same names as the live tables.
    building = create_engine(database_url, connect_args={"server_settings": {"search_path": SCHEMA}})
    sessions = session_factory(building)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None,
                                max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    try:
        async with live.connect() as guard:
            if not (await guard.execute(text(f"SELECT pg_try_advisory_lock({LOCK_ID})"))).scalar():
                raise RebuildRefused("another rebuild is running on this database")
            await consumer.start()
            partitions = await _partitions(consumer, topics)
            async with live.begin() as connection:
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))  # a killed rebuild's copies
                await connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
                for table in tables:
                    await connection.execute(text(f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)"))
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            read = await _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, progress)
            async with live.begin() as connection:
                # The live consumer claims each event, or parks it, here first: holding these pauses it until
                # the swap commits, so nothing it applies meanwhile can be lost with the old tables.
                await connection.execute(text("LOCK TABLE public.processed_events, public.dead_letters IN EXCLUSIVE MODE"))
                read += await _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, None)
                await _refuse_a_worse_copy(connection, read)
                for table in tables:
                    await _swap(connection, table)
                await connection.execute(text(f"DROP SCHEMA {SCHEMA}"))
            await guard.execute(text(f"SELECT pg_advisory_unlock({LOCK_ID})"))
        return read
    finally:
        await consumer.stop()
        await building.dispose()
        await live.dispose()


async def _refuse_a_worse_copy(connection: AsyncConnection, read: int) -> None:
    """The copy must hold at least what the live tables hold: a wrong broker address or a bug that parks
    records must not replace good KPIs with empty or partial ones."""
    count = "SELECT (SELECT count(*) FROM {0}.processed_events), (SELECT count(*) FROM {0}.dead_letters)"
    rebuilt_applied, rebuilt_parked = (await connection.execute(text(count.format(SCHEMA)))).one()
    live_applied, live_parked = (await connection.execute(text(count.format("public")))).one()
    if rebuilt_applied < live_applied or rebuilt_parked > live_parked:
        raise RebuildRefused(
            f"the rebuilt copy applied {rebuilt_applied} events and parked {rebuilt_parked} (read {read}); the live "
            f"tables hold {live_applied} applied and {live_parked} parked. Nothing was swapped; see rebuild.dead_letters.")


async def _partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    cluster = await consumer._client.fetch_all_metadata()  # aiokafka has no public call for partitions of unsubscribed topics
    missing = [topic for topic in topics if not cluster.partitions_for_topic(topic)]
    if missing:
        raise RebuildRefused(f"no such topic on {consumer._client._bootstrap_servers}: {', '.join(missing)}")
    return [TopicPartition(topic, p) for topic in topics for p in sorted(cluster.partitions_for_topic(topic))]


async def _apply_to_end(consumer, partitions, sessions, handle, handle_batch, batch_size, progress) -> int:
    """Apply every record up to the partitions' current ends, in batches; returns records read."""
    end = await consumer.end_offsets(partitions)
    remaining = {tp for tp in partitions if await consumer.position(tp) < end[tp]}
    read, started = 0, time.monotonic()
    while remaining:
        fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
        records = [record for batch in fetched.values() for record in batch]
        if records:
            # As the live consumer does: one transaction per batch (the duplicate guard is filled for the live
            # consumer's sake: after the swap it skips these), record by record if it fails, parking what must be.
            await apply_records(sessions, handle, handle_batch, records, "rebuild")
            read += len(records)
            if progress:
                progress(read, time.monotonic() - started)
        for tp in list(remaining):
            if await consumer.position(tp) >= end[tp]:
                remaining.discard(tp)
    return read


async def _swap(connection: AsyncConnection, table: str) -> None:
    """Put the rebuilt copy of ``table`` in place of the live one, keeping the live one's index names."""
    shape = r"regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ON \S+ ', '')"
    query = text(f"SELECT {shape} AS shape, indexname FROM pg_indexes WHERE schemaname = :schema AND tablename = :table")
    live_names = dict((await connection.execute(query, {"schema": "public", "table": table})).all())
    # What other roles may do with the live table (the service's own role: rows only) goes to the copy.
    grants = (await connection.execute(text(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, a.privilege_type "
        "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = CAST(:table AS regclass) AND a.grantee <> c.relowner"
    ), {"table": f"public.{table}"})).all()
    await connection.execute(text(f"DROP TABLE public.{table}"))
    await connection.execute(text(f"ALTER TABLE {SCHEMA}.{table} SET SCHEMA public"))
    for grantee, privilege in grants:
        await connection.execute(text(f"GRANT {privilege} ON public.{table} TO {grantee}"))
    for shape_of, name in (await connection.execute(query, {"schema": "public", "table": table})).all():
        wanted = live_names.get(shape_of)
        if wanted and wanted != name:
            await connection.execute(text(f'ALTER INDEX public."{name}" RENAME TO "{wanted}"'))
