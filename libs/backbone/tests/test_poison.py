"""One bad record never stops a partition: retried, then parked with its reason while the rest flows on;
a database outage is waited out, not mistaken for a bad record; parked records can be re-driven; and an
envelope without its own id is refused rather than given a random one."""

import asyncio
import uuid
from collections import namedtuple
from datetime import datetime, timezone

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text

import care_register
from backbone.consumer import APPLIED, DEAD_LETTERS, RESTARTS, EventConsumer
from backbone.db import create_engine, session_factory
from backbone.events import InvalidEvent, from_kafka_record, to_kafka_message
from backbone.kafka import create_producer
from backbone.redrive import redrive
from backbone.settings import to_asyncpg_url
from devstack.broker import TopicSpec, ensure_topics

pytestmark = pytest.mark.integration
ENTERED = "uk.cla.placements.child-entered-care.v1"
Record = namedtuple("Record", "topic partition offset key value headers timestamp")


def entered_care(child_id: str, record_version: int = 1) -> dict:
    return {"care_period_id": str(uuid.uuid4()), "child_id": child_id, "date_of_birth": "2012-01-01",
            "start_date": "2025-01-10", "end_date": None, "legal_status": "C2", "reason_ceased": None,
            "effective_date": "2025-01-10", "record_version": record_version}


@pytest.fixture(scope="module")
async def sessions(make_database):
    # The health service's schema: known_care_periods (what care_register.learn writes) and dead_letters.
    engine = create_engine(to_asyncpg_url(make_database("health", "backbone_poison")))
    yield session_factory(engine)
    await engine.dispose()


async def publish_to_partition(bootstrap: str, topic: str, events: list[dict]) -> None:
    """Publish straight to partition 0, in order, as the relay would (same envelope)."""
    producer = create_producer(bootstrap, "poison-test", enable_idempotence=True)
    await producer.start()
    try:
        for data in events:
            key, value, headers = to_kafka_message(event_id=str(uuid.uuid4()), source="/cla/poison-test", event_type=ENTERED,
                                                   subject=data["child_id"], time=datetime.now(timezone.utc), data=data)
            await producer.send_and_wait(topic, value=value, key=key, headers=headers, partition=0)
    finally:
        await producer.stop()


async def topic_with_one_child(bootstrap: str, name: str) -> tuple[str, str]:
    """A fresh one-partition topic holding one child-entered-care event; (topic, the child ids' prefix)."""
    topic, prefix = f"{name}-{uuid.uuid4().hex[:8]}", f"{name[0]}{uuid.uuid4().hex[:6]}-"
    ensure_topics(bootstrap, [TopicSpec(topic, 1, {})])
    await publish_to_partition(bootstrap, topic, [entered_care(f"{prefix}a")])
    return topic, prefix


async def known_children(sessions, prefix: str) -> set[str]:
    async with sessions() as session:
        rows = (await session.exec(text("SELECT child_id FROM known_care_periods WHERE child_id LIKE :p")
                                   .bindparams(p=f"{prefix}%"))).all()
    return {child for (child,) in rows}


async def test_a_record_the_database_refuses_is_parked_and_the_partition_moves_on(sessions, kafka_bootstrap):
    topic = f"poison-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    prefix = f"p{uuid.uuid4().hex[:6]}-"
    # record_version 2^31 is valid by the contract but overflows the int4 column: the database refuses it.
    events = [entered_care(f"{prefix}a"), entered_care(f"{prefix}poison", record_version=2**31),
              entered_care(f"{prefix}b"), entered_care(f"{prefix}c")]
    await publish_to_partition(kafka_bootstrap, topic, events)
    group = f"poison-{prefix}"
    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=group, topics=[topic], sessions=sessions,
                             handle=care_register.learn, retry_seconds=0.01)
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(30):
            while await known_children(sessions, prefix) != {f"{prefix}a", f"{prefix}b", f"{prefix}c"}:
                await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with sessions() as session:
        parked = (await session.exec(text("SELECT \"offset\", error FROM dead_letters WHERE topic = :t")
                                     .bindparams(t=topic))).all()
    assert [offset for offset, _ in parked] == [1]
    assert parked[0][1].startswith("apply_failed:") and "out of int32 range" in parked[0][1]
    assert DEAD_LETTERS.labels(group, "apply_failed")._value.get() == 1
    assert RESTARTS.labels(group)._value.get() == 0  # no restart loop: the consumer carried on

    # Delivered again (a restart before the commit, a replay): parked once, not once per delivery.
    poison = next(r for r in await records_of(kafka_bootstrap, topic, 4) if r.offset == 1)
    assert await consumer.apply(poison) is False
    async with sessions() as session:
        assert (await session.exec(text("SELECT count(*) FROM dead_letters WHERE topic = :t").bindparams(t=topic))).one() == (1,)
    assert DEAD_LETTERS.labels(group, "apply_failed")._value.get() == 1


async def test_a_database_outage_is_waited_out_not_parked(sessions, kafka_bootstrap):
    topic, prefix = await topic_with_one_child(kafka_bootstrap, "outage")
    down_until = asyncio.get_running_loop().time() + 1.5

    def flaky_sessions():
        if asyncio.get_running_loop().time() < down_until:
            raise ConnectionRefusedError("database down")
        return sessions()

    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=f"outage-{prefix}", topics=[topic],
                             sessions=flaky_sessions, handle=care_register.learn, attempts=2, retry_seconds=0.01)
    record = await next_record(kafka_bootstrap, topic)
    assert await consumer.apply(record) is True  # applied once the database was back, after > 2 failed tries
    assert await known_children(sessions, prefix) == {f"{prefix}a"}
    async with sessions() as session:
        assert (await session.exec(text("SELECT count(*) FROM dead_letters WHERE topic = :t").bindparams(t=topic))).one() == (0,)


async def test_an_event_applied_after_a_failed_attempt_is_counted_once(sessions, kafka_bootstrap):
    topic, prefix = await topic_with_one_child(kafka_bootstrap, "counted")
    attempts = []

    async def fails_once_after_writing(session, event):
        await care_register.learn(session, event)  # written, then rolled back with the failed attempt
        attempts.append(event.id)
        if len(attempts) == 1:
            raise RuntimeError("a passing fault")

    group = f"counted-{prefix}"
    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=group, topics=[topic], sessions=sessions,
                             handle=fails_once_after_writing, attempts=3, retry_seconds=0.01)
    assert await consumer.apply(await next_record(kafka_bootstrap, topic)) is True
    assert len(attempts) == 2 and APPLIED.labels(group, ENTERED)._value.get() == 1  # counted after the commit


@pytest.mark.parametrize("refusal", [RuntimeError("a bug in the handler"), InvalidEvent("contradicts what is known")],
                         ids=["handler-bug", "handler-refused-as-invalid"])
async def test_a_parked_record_stays_parked_until_the_fix_and_is_re_driven_after_it(sessions, kafka_bootstrap, refusal):
    # A handler's InvalidEvent parks the record but keeps its claim: re-drive must unclaim it, not skip it.
    topic, prefix = await topic_with_one_child(kafka_bootstrap, type(refusal).__name__.lower())
    fixed = False

    async def handler_until_fixed(session, event):
        if not fixed:
            raise refusal
        await care_register.learn(session, event)

    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=f"redrive-{prefix}", topics=[topic],
                             sessions=sessions, handle=handler_until_fixed, retry_seconds=0.01)
    record = await next_record(kafka_bootstrap, topic)
    assert await consumer.apply(record) is False and await consumer.apply(record) is False  # parked, once
    applied, failing = await redrive(bootstrap_servers=kafka_bootstrap, sessions=sessions, handle=handler_until_fixed)
    assert applied == 0 and failing >= 1  # still refused: stays parked (other tests' parked records fail too)
    assert await known_children(sessions, prefix) == set()

    fixed = True
    applied, _ = await redrive(bootstrap_servers=kafka_bootstrap, sessions=sessions, handle=handler_until_fixed)
    assert applied == 1
    assert await known_children(sessions, prefix) == {f"{prefix}a"}
    async with sessions() as session:
        assert (await session.exec(text("SELECT count(*) FROM dead_letters WHERE topic = :t").bindparams(t=topic))).one() == (0,)


async def test_a_database_that_answers_but_lacks_a_table_is_waited_for_not_blamed_on_the_record(sessions, kafka_bootstrap):
    """SELECT 1 works, yet every write fails the same way (a migration not run yet): systemic, so no parking."""
    topic, prefix = await topic_with_one_child(kafka_bootstrap, "migration")
    migrated_at = asyncio.get_running_loop().time() + 2.5

    async def handler_before_the_migration(session, event):
        if asyncio.get_running_loop().time() < migrated_at:
            await session.exec(text("SELECT * FROM a_table_the_next_migration_adds"))
        await care_register.learn(session, event)

    consumer = EventConsumer(bootstrap_servers=kafka_bootstrap, group_id=f"migration-{prefix}", topics=[topic],
                             sessions=sessions, handle=handler_before_the_migration, attempts=2, retry_seconds=0.01)
    assert await consumer.apply(await next_record(kafka_bootstrap, topic)) is True
    assert await known_children(sessions, prefix) == {f"{prefix}a"}
    async with sessions() as session:
        assert (await session.exec(text("SELECT count(*) FROM dead_letters WHERE topic = :t").bindparams(t=topic))).one() == (0,)


async def records_of(bootstrap: str, topic: str, count: int) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        return [await asyncio.wait_for(consumer.getone(), 20) for _ in range(count)]
    finally:
        await consumer.stop()


async def next_record(bootstrap: str, topic: str):
    return (await records_of(bootstrap, topic, 1))[0]


def test_an_envelope_without_its_own_id_or_of_another_spec_version_is_invalid():
    key, value, headers = to_kafka_message(event_id="e-1", source="/cla/t", event_type=ENTERED, subject="c1",
                                           time=datetime.now(timezone.utc), data=entered_care("c1"))
    good = Record("placements", 0, 0, key, value, headers, 0)
    assert from_kafka_record(good).id == "e-1"
    without_id = good._replace(headers=[(k, v) for k, v in headers if k != "ce_id"])
    with pytest.raises(InvalidEvent, match="lacks ce_id"):
        from_kafka_record(without_id)
    newer_producer = Record("placements", 0, 0, key, value.replace(b'{', b'{"added_later": "x", ', 1), headers, 0)
    assert from_kafka_record(newer_producer).data["added_later"] == "x"  # tolerant reader: not dead-lettered
    born_wrong = to_kafka_message(event_id="e-2", source="/cla/t", event_type=ENTERED, subject="c1",
                                  time=datetime.now(timezone.utc), data={**entered_care("c1"), "date_of_birth": "2012-13-31"})
    with pytest.raises(InvalidEvent, match="date_of_birth") as refused:
        from_kafka_record(Record("placements", 0, 0, *born_wrong, 0))
    assert "2012-13-31" not in str(refused.value)  # the reason (kept in dead_letters) names the field, not the value
    old_spec = good._replace(headers=[(k, b"0.3" if k == "ce_specversion" else v) for k, v in headers])
    with pytest.raises(InvalidEvent, match="is not 1.0"):
        from_kafka_record(old_spec)
