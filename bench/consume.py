"""`make bench-consume`: how fast the live consumer catches up, beside the replay's rate on the same history.

Starts its own PostgreSQL (fsync on) and Apache Kafka (temporary folder), publishes N synthetic events (the
replay benchmark's council history, default 200,000) to the domain topics, then, into two empty indicators
databases: the replay (the reference: batches of 5,000 into fresh copies) and the indicators service's live
consumer (EventConsumer with the service's handlers: duplicate guard, change notes, offsets committed per
batch) from the beginning of the topics until it has applied them all. Then a single record published after a
20,000-event burst: how long until the consumer has applied it. Prints figures; nothing passes or fails. What
the figures mean: docs/benchmarks.md.
"""

import argparse
import asyncio
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from backbone.consumer import EventConsumer
from backbone.db import create_engine, session_factory
from backbone.events import to_kafka_message
from backbone.kafka import create_producer
from backbone.settings import to_asyncpg_url
from bench.replay import publish_history
from devstack.broker import KafkaBroker
from devstack.infra import EmbeddedPostgres, create_databases, free_port, migrate, run_blocking
from devstack.services import SERVICES
from indicators_service.projections import TOPICS, apply_event, apply_events
from indicators_service.replay import replay
from indicators_service.settings import Settings


def indicators_database(server: str, name: str) -> str:
    run_blocking(create_databases(server, [name]))
    migrate(next(s for s in SERVICES if s.name == "indicators"), f"{server}/{name}")
    return f"{server}/{name}"


async def applied(sessions) -> int:
    async with sessions() as session:
        return (await session.exec(text("SELECT count(*) FROM processed_events"))).one()[0]


async def consume_until(database: str, bootstrap: str, group: str, done, progress: bool = True) -> float:
    """Run the live consumer from the topics' beginning until ``done(applied)``; seconds taken."""
    engine = create_engine(to_asyncpg_url(database))
    sessions = session_factory(engine)
    consumer = EventConsumer(bootstrap_servers=bootstrap, group_id=group, topics=TOPICS, sessions=sessions,
                             handle=apply_event, handle_batch=apply_events)
    began = time.monotonic()
    task = asyncio.create_task(consumer.run())
    try:
        while not done(count := await applied(sessions)):
            if progress:
                print(f"\r  live    {count:,} events, {count / (time.monotonic() - began):,.0f}/s", end="", flush=True)
            await asyncio.sleep(0.5)
        return time.monotonic() - began
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()


async def one_record_behind_a_burst(database: str, bootstrap: str, burst: int) -> tuple[float, float]:
    """Publish ``burst`` events, then one more; (seconds until that one was applied, until all were)."""
    await publish_history(bootstrap, burst)
    marker = str(uuid.uuid4())
    data = {"assessment_id": f"IHA-{marker}", "child_id": "B-marker", "completed_date": "2025-01-10",
            "effective_date": "2025-01-10", "record_version": 1}
    key, value, headers = to_kafka_message(event_id=marker, source="/cla/bench", time=datetime.now(timezone.utc),
                                           event_type="uk.cla.health.initial-health-assessment-completed.v1",
                                           subject="B-marker", data=data)
    producer = create_producer(bootstrap, "bench-consume", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait("health", value=value, key=key, headers=headers)
    finally:
        await producer.stop()
    published = time.monotonic()
    engine = create_engine(to_asyncpg_url(database))
    sessions = session_factory(engine)

    async def marker_applied() -> bool:
        async with sessions() as session:
            return bool((await session.exec(text("SELECT 1 FROM processed_events WHERE event_id = :e")
                                            .bindparams(e=marker))).first())

    try:
        consumer = asyncio.create_task(consume_until(database, bootstrap, "bench-live", lambda n: False, progress=False))
        while not await marker_applied():
            await asyncio.sleep(0.05)
        single = time.monotonic() - published
        target = await applied(sessions)
        while await applied(sessions) < target:
            await asyncio.sleep(0.1)
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)
        return single, time.monotonic() - published
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="events in the history (default 200,000)")
    parser.add_argument("--burst", type=int, default=20_000, help="events published before the single one (default 20,000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cla-bench-consume-"))
    postgres = broker = None
    try:
        postgres = EmbeddedPostgres(folder / "postgres", free_port(), fsync=True).start()
        broker = KafkaBroker(folder / "kafka", port=free_port(), controller_port=free_port()).start()
        broker.create_topics()
        bootstrap = broker.bootstrap_servers
        print(f"broker    {broker.describe().split(' at ')[0]}\ndatabase  embedded PostgreSQL, fsync on")
        sent = asyncio.run(publish_history(bootstrap, args.events))
        print(f"history   {sent:,} events published")

        reference = indicators_database(postgres.url, "bench_replay")
        began = time.monotonic()
        read = asyncio.run(replay(Settings(database_url=reference, kafka_bootstrap_servers=bootstrap, environment="test")))
        replay_rate = read / (time.monotonic() - began)
        print(f"replay    {read:,} events: {replay_rate:,.0f} events/s (the reference)")

        live = indicators_database(postgres.url, "bench_live")
        seconds = asyncio.run(consume_until(live, bootstrap, "bench-live", lambda n: n >= sent))
        rate = sent / seconds
        print(f"\nlive      {sent:,} events in {seconds:.1f} s: {rate:,.0f} events/s, {rate / replay_rate:.2f}x the "
              f"replay (aim >= 10,000/s and >= 0.5x)")

        single, whole = asyncio.run(one_record_behind_a_burst(live, bootstrap, args.burst))
        print(f"burst     a record published after {args.burst:,} others applied {single:.1f} s later (aim < 5 s); "
              f"the whole burst {whole:.1f} s (aim < 10 s)")
    finally:
        if broker:
            broker.stop()
        if postgres:
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
