"""The consumer applies a fetched batch in one transaction, still exactly once in effect: a duplicate inside the
batch, a withdrawal beside an older version of the same record, and re-deliveries change nothing; a record the
database refuses in the middle of a batch is parked alone and the rest of the batch applied."""

import asyncio
import uuid
from datetime import datetime, timezone

import pytest

import care_register
from backbone.consumer import APPLIED, DEAD_LETTERS, RESTARTS, EventConsumer
from backbone.db import create_engine, session_factory
from backbone.events import to_kafka_message
from backbone.settings import to_asyncpg_url
from devstack.broker import TopicSpec, ensure_topics

from .test_bad_envelopes import committed, publish, query
from .test_poison import ENTERED, entered_care, known_children

pytestmark = pytest.mark.integration


def record(data: dict, event_id: str | None = None) -> tuple:
    return to_kafka_message(event_id=event_id or str(uuid.uuid4()), source="/cla/batch-test", event_type=ENTERED,
                            subject=data["child_id"], time=datetime.now(timezone.utc), data=data)


@pytest.fixture
async def sessions(make_database):
    engine = create_engine(to_asyncpg_url(make_database("health", f"batches_{uuid.uuid4().hex[:8]}")))
    yield session_factory(engine)
    await engine.dispose()


async def consume(bootstrap: str, topic: str, sessions, group: str, until_offset: int) -> list[int]:
    """Run a batching consumer until it has committed ``until_offset``; the sizes of the batches it was handed."""
    handed = []

    async def learn_many(session, events):
        handed.append(len(events))
        await care_register.learn_many(session, events)

    consumer = EventConsumer(bootstrap_servers=bootstrap, group_id=group, topics=[topic], sessions=sessions,
                             handle=care_register.learn, handle_batch=learn_many, retry_seconds=0.01)
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(60):
            while await committed(bootstrap, group, topic) != until_offset:
                await asyncio.sleep(0.2)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return handed


async def test_duplicates_withdrawals_and_older_versions_in_one_batch_change_nothing(sessions, kafka_bootstrap):
    topic, prefix = f"batch-{uuid.uuid4().hex[:8]}", f"b{uuid.uuid4().hex[:6]}-"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    group = f"batch-{prefix}"
    a, c, d = (entered_care(f"{prefix}{name}") for name in "acd")
    # d is known before the batch that withdraws it: the withdrawal removes a stored row.
    await publish(kafka_bootstrap, topic, [record(d)])
    await consume(kafka_bootstrap, topic, sessions, group, 1)
    assert await known_children(sessions, prefix) == {f"{prefix}d"}

    a_once = record(a, event_id="a-once")
    batch = [a_once, a_once,  # the same event twice in one batch (a relay's re-send)
             record({**c, "record_version": 2, "withdrawn": True}), record(c),  # withdrawn, then its older state
             record({**d, "record_version": 3, "withdrawn": True}), record({**d, "record_version": 2}),
             record(entered_care(f"{prefix}b"))]
    await publish(kafka_bootstrap, topic, batch)
    handed = await consume(kafka_bootstrap, topic, sessions, group, 1 + len(batch))
    assert handed == [len(batch) - 1]  # one batch, the duplicate claimed once and not handed to the handler
    assert await known_children(sessions, prefix) == {f"{prefix}a", f"{prefix}b"}
    assert set(await query(sessions, "SELECT record_id, record_version FROM withdrawn_records")) == {
        (c["care_period_id"], 2), (d["care_period_id"], 3)}
    assert APPLIED.labels(group, ENTERED)._value.get() == 1 + len(batch) - 1

    # The whole batch delivered again (a crash before the commit): nothing changes, nothing is handed on.
    await publish(kafka_bootstrap, topic, batch)
    handed = await consume(kafka_bootstrap, topic, sessions, group, 1 + 2 * len(batch) - 1 + 1)
    assert handed == [] and await known_children(sessions, prefix) == {f"{prefix}a", f"{prefix}b"}
    assert (await query(sessions, "SELECT count(*) FROM processed_events"))[0][0] == 1 + len(batch) - 1
    assert RESTARTS.labels(group)._value.get() == 0


async def test_a_record_the_database_refuses_mid_batch_is_parked_alone_and_the_rest_applied(sessions, kafka_bootstrap):
    topic, prefix = f"batchpoison-{uuid.uuid4().hex[:8]}", f"q{uuid.uuid4().hex[:6]}-"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    group = f"batchpoison-{prefix}"
    # record_version 2^31 is valid by the contract but overflows the int4 column: the database refuses it.
    batch = [record(entered_care(f"{prefix}{n}")) for n in range(5)] \
        + [record(entered_care(f"{prefix}poison", record_version=2**31))] \
        + [record(entered_care(f"{prefix}{n}")) for n in range(5, 10)]
    bad_envelope = batch[8][:2] + ([(k, b"x\x00" if k == "ce_id" else v) for k, v in batch[8][2]],)
    batch[8] = bad_envelope  # and an envelope no database can store, also mid-batch
    await publish(kafka_bootstrap, topic, batch)
    handed = await consume(kafka_bootstrap, topic, sessions, group, len(batch))
    # Tried as one batch (the bad envelope parked before the handler), then record by record.
    assert handed == [len(batch) - 1]
    assert await known_children(sessions, prefix) == {f"{prefix}{n}" for n in range(10) if n != 7}
    parked = await query(sessions, 'SELECT "offset", split_part(error, \':\', 1) FROM dead_letters ORDER BY 1')
    assert parked == [(5, "apply_failed"), (8, "invalid_event")]  # each parked alone, once
    assert DEAD_LETTERS.labels(group, "apply_failed")._value.get() == 1
    assert DEAD_LETTERS.labels(group, "invalid_event")._value.get() == 1
    assert APPLIED.labels(group, ENTERED)._value.get() == 9
    # Claimed: the nine applied. The poison's claim was rolled back with each failed attempt, so a re-drive
    # after a fix applies it.
    assert (await query(sessions, "SELECT count(*) FROM processed_events"))[0][0] == 9
