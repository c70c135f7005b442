"""Reliable delivery against the real PostgreSQL and Apache Kafka: outbox relay and consumer."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text

from backbone.consumer import apply_record
from backbone.db import create_engine, session_factory
from backbone.events import from_kafka_record
from backbone.kafka import create_producer
from backbone.outbox import OutboxRelay, publish
from backbone.settings import to_asyncpg_url
from devstack.waiting import eventually

pytestmark = pytest.mark.integration
IHA = "uk.cla.health.initial-health-assessment-completed.v1"


def iha_event(child_id: str) -> dict:
    return {"assessment_id": str(uuid.uuid4()), "child_id": child_id, "completed_date": "2025-01-10",
            "effective_date": "2025-01-10", "record_version": 1}


@pytest.fixture(scope="module")
async def sessions(make_database):
    # The health service's schema has both an outbox and the consumer tables.
    engine = create_engine(to_asyncpg_url(make_database("health", "backbone_delivery")))
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def producer(kafka_bootstrap):
    producer = create_producer(kafka_bootstrap, "test", enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


async def read_topic(bootstrap: str, topic: str, subject_prefix: str) -> list:
    """Records on ``topic`` whose key starts with ``subject_prefix`` (this test's children only), read to the
    end of every partition as it is now: everything the broker has acknowledged so far, duplicates included."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    found = []
    try:

        async def assigned():  # a client of no group is given every partition once it has the topic's metadata
            return consumer.assignment()

        ends = await consumer.end_offsets(list(await eventually(assigned, 20, f"the partitions of {topic}")))
        async with asyncio.timeout(20):
            while [p for p, end in ends.items() if await consumer.position(p) < end]:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    found += [r for r in records if r.key.decode().startswith(subject_prefix)]
    finally:
        await consumer.stop()
    return found


class BrokerDown(Exception):
    pass


class CrashingProducer:
    """Stands in for a broker that fails mid-batch: the first send is accepted, then the connection dies."""

    def __init__(self, real):
        self.real, self.sent = real, 0

    async def send(self, *args, **kwargs):
        self.sent += 1
        if self.sent > 1:
            raise BrokerDown("connection lost")
        return await self.real.send(*args, **kwargs)


async def test_relay_publishes_committed_events_only_and_resends_after_a_crash(sessions, producer, kafka_bootstrap):
    prefix = f"relay-{uuid.uuid4().hex[:8]}-"
    async with sessions() as session, session.begin():
        for n in range(3):
            publish(session, IHA, iha_event(f"{prefix}{n}"))
    async with sessions() as session:  # a transaction that rolls back: its event must never be published
        publish(session, IHA, iha_event(f"{prefix}rolled-back"))
        await session.flush()
        await session.rollback()

    crashing = OutboxRelay.through(sessions, CrashingProducer(producer), "/cla/test")
    with pytest.raises(Exception):
        await crashing.publish_pending()
    async with sessions() as session:
        rows = (await session.exec(text(
            "SELECT published_at IS NULL, attempts FROM outbox WHERE subject LIKE :p ORDER BY seq"
        ).bindparams(p=f"{prefix}%"))).all()
    # The row the broker acknowledged is published and will not be sent again; the two it did not take are
    # left for the next attempt, with the failure recorded.
    assert rows == [(False, 0), (True, 1), (True, 1)]

    relay = OutboxRelay.through(sessions, producer, "/cla/test")  # a restarted relay picks the rest up
    assert await relay.publish_pending() >= 2
    assert await relay.unpublished_count() == 0

    records = await read_topic(kafka_bootstrap, "health", prefix)
    events = [from_kafka_record(r) for r in records]  # validates each against its contract
    assert {e.subject for e in events} == {f"{prefix}{n}" for n in range(3)}
    assert len(events) == len({e.id for e in events}) == 3  # none sent twice
    for record, event in zip(records, events):
        headers = dict(record.headers)
        assert headers["ce_specversion"] == b"1.0" and headers["content-type"] == b"application/json"
        assert headers["ce_dataschema"] == b"urn:cla-events:health:initial-health-assessment-completed.v1"
        assert record.key.decode() == event.subject == event.data["child_id"]


async def test_consumer_applies_each_event_once_and_dead_letters_what_breaks_its_contract(sessions, producer, kafka_bootstrap):
    prefix = f"consume-{uuid.uuid4().hex[:8]}-"
    async with sessions() as session, session.begin():
        publish(session, IHA, iha_event(f"{prefix}0"))
    await OutboxRelay.through(sessions, producer, "/cla/test").publish_pending()
    await producer.send_and_wait("health", key=f"{prefix}bad".encode(), value=b'{"child_id": 1}',
                                 headers=[("ce_id", b"x"), ("ce_source", b"/t"), ("ce_type", b"uk.cla.health.nope.v1"),
                                          ("ce_specversion", b"1.0"), ("content-type", b"application/json")])
    good, bad = sorted(await read_topic(kafka_bootstrap, "health", prefix), key=lambda r: r.key)
    applied = []

    async def handle(session, event):
        applied.append(event.id)

    assert await apply_record(sessions, handle, bad) is False
    assert await apply_record(sessions, handle, good) is True
    assert await apply_record(sessions, handle, good) is False  # redelivered: skipped
    assert applied == [from_kafka_record(good).id]
    async with sessions() as session:
        errors = (await session.exec(text("SELECT error FROM dead_letters WHERE \"offset\" = :o").bindparams(o=bad.offset))).all()
    assert any("no schema for 'uk.cla.health.nope.v1'" in e for (e,) in errors)
