"""`make bench-replay`: how fast a replay rebuilds the KPI projections from a council's history.

Starts its own PostgreSQL and Apache Kafka (temporary folder), publishes N synthetic events (default
1,000,000: children entering care, placements, health assessments, Virtual School notifications and PEPs,
care-leaver statuses, in the proportions of a council's history) to the domain topics, then runs the
indicators service's replay against an empty indicators database and prints events/s. Prints figures;
nothing passes or fails. What the figures mean: docs/benchmarks.md.
"""

import argparse
import asyncio
import random
import shutil
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from backbone.events import to_kafka_message
from backbone.kafka import create_producer
from backbone.rebuild import rebuild
from backbone.settings import to_asyncpg_url
from devstack.broker import KafkaBroker
from devstack.infra import EmbeddedPostgres, create_databases, free_port, migrate, run_blocking
from devstack.services import SERVICES
from indicators_service.projections import REBUILT_TABLES, TOPICS, apply_event, apply_events


def child_history(rng: random.Random, n: int) -> list[tuple[str, str, dict]]:
    """(event type, child id, data) for one child's time in care: about 10 events."""
    child = f"B-{n:07d}"
    entered = date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
    born = entered - timedelta(days=rng.randint(100, 6000))
    period = {"care_period_id": f"CP-{n}", "child_id": child, "date_of_birth": born.isoformat(),
              "start_date": entered.isoformat(), "end_date": None, "legal_status": "C2", "reason_ceased": None,
              "effective_date": entered.isoformat(), "record_version": 1}
    events = [("uk.cla.placements.child-entered-care.v1", period)]
    day = entered
    for move in range(rng.choice([1, 1, 2, 2, 3, 4])):
        placement = {"placement_id": f"PL-{n}-{move}", "care_period_id": f"CP-{n}", "child_id": child,
                     "start_date": day.isoformat(), "end_date": None, "placement_type": rng.choice(["U1", "U4", "K2"]),
                     "provider": "PR1", "carer_id": f"C-{rng.randint(1, 900)}", "effective_date": day.isoformat(),
                     "record_version": 1}
        events.append(("uk.cla.placements.placement-started.v1", placement))
        day += timedelta(days=rng.randint(30, 400))
        events.append(("uk.cla.placements.placement-ended.v1",
                       {**placement, "end_date": day.isoformat(), "effective_date": day.isoformat(), "record_version": 2}))
    iha = entered + timedelta(days=rng.randint(5, 40))
    events.append(("uk.cla.health.initial-health-assessment-completed.v1",
                   {"assessment_id": f"IHA-{n}", "child_id": child, "completed_date": iha.isoformat(),
                    "effective_date": iha.isoformat(), "record_version": 1}))
    notified = entered + timedelta(days=rng.randint(0, 3))
    events.append(("uk.cla.education.virtual-school-notified.v1",
                   {"notification_id": f"VS-{n}", "child_id": child, "notified_date": notified.isoformat(),
                    "effective_date": notified.isoformat(), "record_version": 1}))
    pep = notified + timedelta(days=rng.randint(5, 30))
    events.append(("uk.cla.education.initial-pep-completed.v1",
                   {"pep_id": f"PEP-{n}", "notification_id": f"VS-{n}", "child_id": child,
                    "completed_date": pep.isoformat(), "effective_date": pep.isoformat(), "record_version": 1}))
    left = day + timedelta(days=rng.randint(30, 900))
    events.append(("uk.cla.placements.child-left-care.v2",
                   {**period, "end_date": left.isoformat(), "reason_ceased": "E13", "effective_date": left.isoformat(),
                    "record_version": 2}))
    return events


async def publish_history(bootstrap: str, total: int) -> int:
    producer = create_producer(bootstrap, "bench-replay", enable_idempotence=True)
    await producer.start()
    rng, sent, n, pending = random.Random(903), 0, 0, []
    now = datetime.now(timezone.utc)
    try:
        while sent < total:
            n += 1
            for event_type, data in child_history(rng, n):
                key, value, headers = to_kafka_message(event_id=str(uuid.uuid4()), source="/cla/bench", event_type=event_type,
                                                       subject=data["child_id"], time=now, data=data)
                pending.append(await producer.send(event_type.split(".")[2], value=value, key=key, headers=headers))
                sent += 1
                if len(pending) >= 5000:
                    await asyncio.gather(*pending)
                    pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the history (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=5000, help="records per replay transaction (default 5000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cla-bench-replay-"))
    postgres = broker = None
    try:
        postgres = EmbeddedPostgres(folder / "postgres", free_port(), fsync=True).start()
        broker = KafkaBroker(folder / "kafka", port=free_port(), controller_port=free_port()).start()
        broker.create_topics()
        print(f"broker    {broker.describe().split(' at ')[0]}\ndatabase  embedded PostgreSQL, fsync on")
        began = time.monotonic()
        sent = asyncio.run(publish_history(broker.bootstrap_servers, args.events))
        print(f"history   {sent:,} events published in {time.monotonic() - began:.1f} s")
        indicators = next(s for s in SERVICES if s.name == "indicators")
        database = f"{postgres.url}/bench_indicators"
        run_blocking(create_databases(postgres.url, ["bench_indicators"]))
        migrate(indicators, database)
        began = time.monotonic()

        def progress(read: int, seconds: float) -> None:
            print(f"\r  replay  {read:,} events, {read / max(seconds, 1e-9):,.0f}/s", end="", flush=True)

        read = asyncio.run(rebuild(database_url=to_asyncpg_url(database), bootstrap_servers=broker.bootstrap_servers,
                                   topics=TOPICS, tables=REBUILT_TABLES, handle=apply_event,
                                   handle_batch=apply_events, batch_size=args.batch, progress=progress))
        seconds = time.monotonic() - began
        print(f"\nreplay    {read:,} events in {seconds:.1f} s: {read / seconds:,.0f} events/s "
              f"(batches of {args.batch}; includes the swap)")
    finally:
        for part in (broker, postgres):
            if part:
                part.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
