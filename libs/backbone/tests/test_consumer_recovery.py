"""A consumer killed with SIGKILL and started again resumes within seconds, not after the group notices the
dead member (static membership: the new process takes its partitions back at once)."""

import asyncio
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import text

from backbone.db import create_engine, session_factory
from backbone.settings import to_asyncpg_url
from devstack.broker import TopicSpec, ensure_topics

from .test_poison import entered_care, publish_to_partition

pytestmark = pytest.mark.integration

CONSUMER = """
import asyncio, sys
from sqlalchemy import text
import care_register
from backbone.consumer import EventConsumer
from backbone.db import create_engine, session_factory
bootstrap, database, topic, group = sys.argv[1:]

async def learn_and_count(session, event):
    # A side effect per application, in the same transaction: a double application would show as two rows.
    await session.exec(text("INSERT INTO applications (event_id) VALUES (:e)").bindparams(e=event.id))
    await care_register.learn(session, event)

async def learn_and_count_many(session, events):
    await session.exec(text("INSERT INTO applications (event_id) SELECT unnest(CAST(:e AS text[]))")
                       .bindparams(e=[event.id for event in events]))
    await care_register.learn_many(session, events)
    await session.exec(text("SELECT pg_sleep(0.3)"))  # each batch takes a while: the test kills the process inside one

consumer = EventConsumer(bootstrap_servers=bootstrap, group_id=group, topics=[topic],
                         sessions=session_factory(create_engine(database)), handle=learn_and_count,
                         handle_batch=learn_and_count_many, max_batch=50)
asyncio.run(consumer.run())
"""


def start_consumer(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CONSUMER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_until_known(sessions, child: str, timeout: float) -> float:
    """Seconds until ``child`` is in known_care_periods."""
    started = time.monotonic()
    async with asyncio.timeout(timeout):
        while True:
            async with sessions() as session:
                if (await session.exec(text("SELECT 1 FROM known_care_periods WHERE child_id = :c").bindparams(c=child))).first():
                    return time.monotonic() - started
            await asyncio.sleep(0.05)


async def count(sessions, pattern: str) -> int:
    async with sessions() as session:
        return (await session.exec(text("SELECT count(*) FROM known_care_periods WHERE child_id LIKE :p").bindparams(p=pattern))).one()[0]


async def batch_in_flight(sessions) -> bool:
    """A batch's transaction is open in this database (its handler is sleeping inside it)."""
    async with sessions() as session:
        return bool((await session.exec(text(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' "
            "AND state = 'active'"))).first())


async def test_a_consumer_killed_and_restarted_resumes_within_seconds(make_database, kafka_bootstrap):
    topic = f"recovery-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1, {})])
    database = to_asyncpg_url(make_database("health", f"recovery_{uuid.uuid4().hex[:8]}"))
    engine = create_engine(database)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await session.exec(text("CREATE TABLE applications (event_id text NOT NULL)"))
    args = (kafka_bootstrap, database, topic, f"recovery-{topic}")
    first = start_consumer(*args)
    second = None
    try:
        await publish_to_partition(kafka_bootstrap, topic, [entered_care(f"{topic}-a")])
        await wait_until_known(sessions, f"{topic}-a", 30)
        first.send_signal(signal.SIGKILL)
        first.wait()

        restarted_at = time.monotonic()
        second = start_consumer(*args)
        await publish_to_partition(kafka_bootstrap, topic, [entered_care(f"{topic}-b")])
        await wait_until_known(sessions, f"{topic}-b", 30)
        resumed_after = time.monotonic() - restarted_at
        # Without static membership the group waits out the dead member's 10 s session first (measured: 10.0 s; with it: 0.6 s).
        assert resumed_after < 3, f"resumed {resumed_after:.1f}s after the restart (Python start-up included)"

        # Killed in the middle of a batch, after others: the batch's transaction dies with the process, the
        # restarted consumer applies it and the rest, and what was applied but not yet committed to Kafka is
        # delivered again and skipped, so the result is that of an uninterrupted run: each record applied once.
        children = [f"{topic}-{n}" for n in range(300)]
        await publish_to_partition(kafka_bootstrap, topic, [entered_care(c) for c in children])
        async with asyncio.timeout(30):
            while await count(sessions, f"{topic}-%") < 40 or not await batch_in_flight(sessions):
                await asyncio.sleep(0.02)
        second.send_signal(signal.SIGKILL)
        second.wait()
        applied_before_the_kill = await count(sessions, f"{topic}-%")
        assert applied_before_the_kill < 302  # it really was killed mid-way
        second = start_consumer(*args)
        async with asyncio.timeout(60):
            while await count(sessions, f"{topic}-%") < 302:
                await asyncio.sleep(0.1)
        async with sessions() as session:
            applications = (await session.exec(text(
                "SELECT count(*), count(DISTINCT event_id) FROM applications"))).one()
        assert applications == (302, 302) and await count(sessions, f"{topic}-%") == 302  # each exactly once
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(10)
        await engine.dispose()
