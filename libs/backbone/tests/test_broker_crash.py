"""A real Apache Kafka broker killed with SIGKILL and restarted on its data folder: nothing acknowledged is
lost, the outbox relay and the consumer group carry on by themselves, and every event is applied once."""

import asyncio
import uuid
from collections import Counter

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text

from backbone.consumer import EventConsumer
from backbone.db import create_engine, session_factory
from backbone.events import from_kafka_record
from backbone.kafka import create_producer
from backbone import outbox
from backbone.outbox import OutboxRelay, publish
from backbone.settings import to_asyncpg_url
from devstack.broker import KafkaBroker, ensure_topics, topic_specs
from devstack.infra import free_port
from devstack.waiting import eventually

pytestmark = pytest.mark.integration
IHA = "uk.cla.health.initial-health-assessment-completed.v1"


def iha_event(child_id: str) -> dict:
    return {"assessment_id": str(uuid.uuid4()), "child_id": child_id, "completed_date": "2025-01-10",
            "effective_date": "2025-01-10", "record_version": 1}


async def stage(sessions, children: list[str]) -> None:
    async with sessions() as session, session.begin():
        for child in children:
            publish(session, IHA, iha_event(child))


async def topic_ids(bootstrap: str, expected: int) -> set[str]:
    """The distinct event ids on the health topic, read from the beginning (by a client of no group) until
    ``expected`` of them have been seen or 20 seconds have passed."""
    consumer = AIOKafkaConsumer("health", bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    ids: set[str] = set()
    try:
        async with asyncio.timeout(20):
            while len(ids) < expected:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    ids |= {from_kafka_record(r).id for r in records}
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return ids


async def test_broker_killed_with_sigkill_loses_no_acknowledged_event_and_consumers_carry_on(make_database, tmp_path):
    # Its own broker, not the session's: this one gets killed. No flush per append: a SIGKILL leaves the page
    # cache intact, so what the broker acknowledged must survive even without it (make run adds the flush
    # against power cuts).
    broker = KafkaBroker(tmp_path / "kafka", port=free_port(), controller_port=free_port(), durable=False)
    await asyncio.to_thread(broker.start)
    engine = create_engine(to_asyncpg_url(make_database("health", "broker_crash")))
    sessions = session_factory(engine)
    relay = OutboxRelay(sessions, lambda: create_producer(broker.bootstrap_servers, "crash-test", enable_idempotence=True),
                        "/cla/crash-test", poll_seconds=0.2)
    applied: list[str] = []

    async def handle(session, event):
        applied.append(event.subject)

    consumer = EventConsumer(bootstrap_servers=broker.bootstrap_servers, group_id="crash-test", topics=["health"],
                             sessions=sessions, handle=handle)
    tasks = []
    try:
        ensure_topics(broker.bootstrap_servers)
        tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
        before = [f"before-{n}" for n in range(50)]
        await stage(sessions, before)
        await eventually(lambda: _all_published_and_applied(relay, applied, before), 60,
                         "the events before the crash published and applied")

        broker.kill()
        during = [f"during-{n}" for n in range(50)]  # recorded while the broker is down: held in the outbox
        await stage(sessions, during)

        async def backlog_measured() -> bool:  # what operators see: the relay measures it every second
            return outbox.BACKLOG._value.get() == 50 and outbox.OLDEST_AGE._value.get() > 1

        await eventually(backlog_measured, 30, "a backlog of 50 events over a second old")
        assert await relay.unpublished_count() == 50  # tried meanwhile, none went out

        await asyncio.to_thread(broker.start)  # same data folder, same ports
        after = [f"after-{n}" for n in range(50)]
        await stage(sessions, after)
        everything = before + during + after
        await eventually(lambda: _all_published_and_applied(relay, applied, everything), 90,
                         "the events after the restart published and applied")

        assert sorted(applied) == sorted(everything)  # each applied exactly once, none lost

        async def backlog_cleared() -> bool:
            return outbox.BACKLOG._value.get() == 0 and outbox.OLDEST_AGE._value.get() == 0

        await eventually(backlog_cleared, 30, "the backlog measured empty")
        async with sessions() as session:
            processed = (await session.exec(text("SELECT count(*) FROM processed_events WHERE source = '/cla/crash-test'"))).one()
        assert processed == (150,)
        assert len(await topic_ids(broker.bootstrap_servers, 150)) == 150  # the acknowledged events survived on disk
    finally:
        for task in tasks:
            task.cancel()
        if broker.process is None:  # failed while it was down: bring it back so the clients can close
            await asyncio.to_thread(broker.start)
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        await relay.stop()
        await engine.dispose()
        broker.stop()


async def _all_published_and_applied(relay: OutboxRelay, applied: list[str], expected: list[str]) -> bool:
    return await relay.unpublished_count() == 0 and set(expected) <= set(applied)


async def topic_counts(bootstrap: str, topic: str = "health") -> Counter:
    """How many times each event id is on ``topic``: everything up to its end offsets now, read from the start
    by a client of no group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(next(s.partitions for s in topic_specs() if s.name == topic))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        counts: Counter = Counter()
        async with asyncio.timeout(30):
            while [p for p in partitions if await consumer.position(p) < ends[p]]:
                for records in (await consumer.getmany(*partitions, timeout_ms=200)).values():
                    counts.update(from_kafka_record(r).id for r in records)
        return counts
    finally:
        await consumer.stop()


async def test_a_broker_stopped_for_45s_during_writes_gets_every_write_once_within_seconds_of_its_return(make_database,
                                                                                                        tmp_path):
    """Issue 19: after an outage longer than a send's timeout, the idempotent producer's sequence numbers no
    longer match the broker's (OutOfOrderSequenceNumber on every retry) and the outbox stayed unsent until a
    restart. The relay must carry on by itself, with a new producer where the old one cannot."""
    broker = KafkaBroker(tmp_path / "kafka", port=free_port(), controller_port=free_port(), durable=False)
    await asyncio.to_thread(broker.start)
    engine = create_engine(to_asyncpg_url(make_database("health", "broker_outage")))
    sessions = session_factory(engine)
    relay = OutboxRelay(sessions, lambda: create_producer(broker.bootstrap_servers, "outage-test", enable_idempotence=True),
                        "/cla/outage-test", poll_seconds=0.2)
    accepted: list[str] = []
    writing = asyncio.Event()
    writing.set()

    async def write_steadily():  # partners' writes, about 50 a second, all through the outage
        n = 0
        while writing.is_set():
            async with sessions() as session, session.begin():
                accepted.append(str(publish(session, IHA, iha_event(f"child-{n}")).id))
            relay.wake()
            n += 1
            await asyncio.sleep(0.02)

    tasks = []
    try:
        ensure_topics(broker.bootstrap_servers)
        tasks = [asyncio.create_task(relay.run()), asyncio.create_task(write_steadily())]
        await eventually(lambda: _published_count(sessions, at_least=20), 60, "writes before the outage")

        await asyncio.to_thread(broker.stop)  # a controlled stop, as `docker compose stop kafka` does
        await asyncio.sleep(45)  # the outage: longer than a send's timeout (40 s), while the partner keeps writing
        await asyncio.to_thread(broker.start)  # same data folder, same ports
        await asyncio.sleep(3)  # and writes go on after its return
        writing.clear()
        await tasks.pop()

        # Within seconds of the broker's return (it took for ever before: only a restart of the service helped).
        await eventually(lambda: _published(relay), 20, "every write after the broker's return")
        counts = await topic_counts(broker.bootstrap_servers)
        assert len(accepted) > 1000  # written all along: before, during and after the outage
        assert {event_id: counts[event_id] for event_id in accepted if counts[event_id] != 1} == {}  # each once
    finally:
        writing.clear()
        for task in tasks:
            task.cancel()
        if broker.process is None:
            await asyncio.to_thread(broker.start)
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        await relay.stop()
        await engine.dispose()
        broker.stop()


async def _published(relay: OutboxRelay) -> bool:
    return await relay.unpublished_count() == 0


async def _published_count(sessions, at_least: int) -> bool:
    async with sessions() as session:
        return (await session.exec(text("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))).one()[0] >= at_least
