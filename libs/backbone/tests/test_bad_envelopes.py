"""Whatever bytes a topic holds, in any header, key or value, the record is parked with a reason that can be
stored and read, the partition moves on (offsets committed, lag 0, the consumer healthy), re-drive reports it,
and a rebuild from the topic parks it the same way instead of failing.

The NUL byte in a ce_id is the case that once sent every consumer of the topic into an endless restart: the
dead-letter insert itself failed (PostgreSQL stores no NUL in text)."""

import asyncio
import json
import uuid
from datetime import datetime, timezone

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text

import care_register
from backbone.consumer import DEAD_LETTERS, LAG, PARKED, RESTARTS, EventConsumer
from backbone.db import create_engine, session_factory
from backbone.events import to_kafka_message
from backbone.kafka import create_producer
from backbone.rebuild import rebuild
from backbone.redrive import redrive
from backbone.settings import to_asyncpg_url
from devstack.broker import TopicSpec, ensure_topics

from .test_poison import ENTERED, entered_care, known_children

pytestmark = pytest.mark.integration


def message(child: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    return to_kafka_message(event_id=str(uuid.uuid4()), source="/cla/envelope-test", event_type=ENTERED,
                            subject=child, time=datetime.now(timezone.utc), data=entered_care(child))


def with_header(headers: list, name: str, value: bytes) -> list:
    return [(k, value if k == name else v) for k, v in headers]


def bad_records(prefix: str) -> dict[str, tuple]:
    """(key, value, headers) of records no consumer can apply, each broken in another way."""
    key, value, headers = message(f"{prefix}bad")
    nul_in_data = json.dumps({**entered_care(f"{prefix}x"), "child_id": f"{prefix}\u0000x"}).encode()
    return {
        "nul-in-ce_id": (key, value, with_header(headers, "ce_id", b"evt-\x00-1")),
        "ce_id-not-utf8": (key, value, with_header(headers, "ce_id", b"\xff\xfe\x00")),
        "ce_source-surrogate": (key, value, with_header(headers, "ce_source", b"/cla/\xed\xa0\x80")),
        "nul-in-ce_type": (key, value, with_header(headers, "ce_type", ENTERED.encode() + b"\x00")),
        "nul-in-ce_subject": (key, value, with_header(headers, "ce_subject", b"c\x00")),
        "value-not-utf8": (key, b"\xff\xfe{" + value, headers),
        "nul-in-data": (key, nul_in_data, headers),
        "control-bytes-everywhere": (b"\x00\xff", b"\x00\x01\x02", [(k, b"\x00\x9f\x1b[31m") for k, _ in headers]),
    }


async def publish(bootstrap: str, topic: str, records: list[tuple]) -> None:
    producer = create_producer(bootstrap, "envelope-test", enable_idempotence=True)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers, partition=0)
    finally:
        await producer.stop()


async def query(sessions, sql: str, **parameters) -> list[tuple]:
    async with sessions() as session:
        return [tuple(row) for row in (await session.exec(text(sql).bindparams(**parameters))).all()]


async def committed(bootstrap: str, group: str, topic: str) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def test_a_record_with_any_bad_bytes_is_parked_and_the_partition_moves_on_and_a_rebuild_parks_it_too(
        make_database, kafka_bootstrap):
    topic, prefix = f"envelope-{uuid.uuid4().hex[:8]}", f"e{uuid.uuid4().hex[:6]}-"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    url = make_database("health", f"envelope_{uuid.uuid4().hex[:8]}")
    engine = create_engine(to_asyncpg_url(url))
    sessions = session_factory(engine)
    bad = bad_records(prefix)
    # A good record first and last: the one after the bad ones is applied only if the partition moved on.
    records = [message(f"{prefix}first"), *bad.values(), message(f"{prefix}last")]
    await publish(kafka_bootstrap, topic, records)
    group = f"envelope-{prefix}"
    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=group, topics=[topic], sessions=sessions,
                             handle=care_register.learn, retry_seconds=0.01)
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(60):
            while await known_children(sessions, prefix) != {f"{prefix}first", f"{prefix}last"} \
                    or await committed(kafka_bootstrap, group, topic) != len(records):
                await asyncio.sleep(0.2)
            while PARKED.labels(group)._value.get() != len(bad):  # read from the table after the batch
                await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    parked = await query(sessions, 'SELECT "offset", event_id, error FROM dead_letters ORDER BY "offset"')
    assert [offset for offset, _, _ in parked] == list(range(1, len(bad) + 1))  # each bad one, once
    for (offset, event_id, error), case in zip(parked, bad):
        assert error.startswith("invalid_event:"), (case, error)  # refused as the record's fault, never retried
        assert error.isprintable() and event_id is None, (case, error)  # its bytes escaped, not stored raw
    assert "ce_id holds a NUL" in parked[0][2]
    assert DEAD_LETTERS.labels(group, "invalid_event")._value.get() == len(bad)
    assert RESTARTS.labels(group)._value.get() == 0  # never a restart loop
    assert LAG.labels(group, topic, "0")._value.get() == 0 and consumer.healthy

    # Re-drive reads each back and reports it as still failing; it stays parked with a storable reason.
    applied, failing = await redrive(bootstrap_servers=kafka_bootstrap, sessions=sessions, handle=care_register.learn)
    assert (applied, failing) == (0, len(bad))
    assert await query(sessions, 'SELECT "offset" FROM dead_letters ORDER BY "offset"') == [(o,) for o, _, _ in parked]

    # A rebuild from the topic (as the indicators replay does) parks the same records and swaps its copies in.
    async def learn_each(session, events):
        for event in events:
            await care_register.learn(session, event)

    read = await rebuild(database_url=to_asyncpg_url(url), bootstrap_servers=kafka_bootstrap, topics=[topic],
                         tables=["known_care_periods", "withdrawn_records"], handle=care_register.learn, handle_batch=learn_each)
    assert read == len(records)
    assert await query(sessions, 'SELECT "offset" FROM dead_letters ORDER BY "offset"') == [(o,) for o, _, _ in parked]
    assert await known_children(sessions, prefix) == {f"{prefix}first", f"{prefix}last"}
    await engine.dispose()


async def test_a_consumer_that_cannot_move_on_says_so_in_its_lag_and_health(make_database, kafka_bootstrap):
    """While the database refuses every write (here: a table a migration has not added yet) the consumer waits on
    the record rather than parking it; meanwhile its lag counts that record and it is not healthy (readiness)."""
    topic, prefix = f"stuck-{uuid.uuid4().hex[:8]}", f"s{uuid.uuid4().hex[:6]}-"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    engine = create_engine(to_asyncpg_url(make_database("health", f"stuck_{uuid.uuid4().hex[:8]}")))
    sessions = session_factory(engine)
    migrated = asyncio.Event()

    async def handler_before_the_migration(session, event):
        if not migrated.is_set():
            await session.exec(text("SELECT * FROM a_table_the_next_migration_adds"))
        await care_register.learn(session, event)

    group = f"stuck-{prefix}"
    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=group, topics=[topic], sessions=sessions,
                             handle=handler_before_the_migration, retry_seconds=0.01)
    task = asyncio.create_task(consumer.run())
    try:
        await publish(kafka_bootstrap, topic, [message(f"{prefix}a")])
        async with asyncio.timeout(30):
            while consumer.healthy or LAG.labels(group, topic, "0")._value.get() != 1:
                await asyncio.sleep(0.05)
        migrated.set()
        async with asyncio.timeout(30):
            while not consumer.healthy or LAG.labels(group, topic, "0")._value.get() != 0:
                await asyncio.sleep(0.05)
        assert await known_children(sessions, prefix) == {f"{prefix}a"}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()
