"""A domain service killed (SIGKILL) after committing a record but before publishing its event: the event is
not lost; the restarted service publishes it, once, under the id it was committed with."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from backbone.events import from_kafka_record
from devstack.infra import free_port
from devstack.partners import DEV_TOKENS
from devstack.services import SERVICES

pytestmark = pytest.mark.integration
PLACEMENTS = next(s for s in SERVICES if s.name == "placements")


def start_placements(database_url: str, bootstrap: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "placements_service.main:create_app", "--host", "127.0.0.1",
         "--port", str(port)],
        env={**os.environ, "ENVIRONMENT": "test", "DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
        cwd=PLACEMENTS.directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise TimeoutError("placements did not start")


async def unpublished(database_url: str, child: str) -> list[tuple]:
    connection = await asyncpg.connect(database_url)
    try:
        return [tuple(r) for r in await connection.fetch(
            "SELECT id::text, published_at IS NULL FROM outbox WHERE subject = $1", child)]
    finally:
        await connection.close()


async def events_for(bootstrap: str, child: str, wait: float) -> list:
    consumer = AIOKafkaConsumer("placements", bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    found, deadline = [], time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found += [from_kafka_record(r) for r in records if r.key == child.encode()]
            if found:  # a duplicate would follow within moments: watch a little longer, then stop
                deadline = min(deadline, time.monotonic() + 1.5)
    finally:
        await consumer.stop()
    return found


async def test_an_event_committed_before_a_crash_is_published_once_after_the_restart(make_database, kafka_bootstrap):
    database = make_database("placements", f"crash_{uuid.uuid4().hex[:8]}")
    port, child = free_port(), f"CRASH-{uuid.uuid4().hex[:8]}"
    # Its broker address leads nowhere: the record commits, its event cannot go out.
    service = await asyncio.to_thread(start_placements, database, f"127.0.0.1:{free_port()}", port)
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/children/{child}/care-periods",
            json={"date_of_birth": "2012-05-01", "start_date": "2025-02-01", "legal_status": "C2"},
            headers={"Authorization": f"Bearer {DEV_TOKENS['case-system']}", "Idempotency-Key": f"{child}-entry"},
        )
        assert response.status_code == 201, response.text
    finally:
        service.send_signal(signal.SIGKILL)
        service.wait()
    (event_id, waiting), = await unpublished(database, child)
    assert waiting  # committed, not published: the crash came in between

    service = await asyncio.to_thread(start_placements, database, kafka_bootstrap, port)
    try:
        events = await events_for(kafka_bootstrap, child, wait=20)
    finally:
        service.terminate()
        service.wait(15)
    assert [(e.id, e.type, e.data["start_date"]) for e in events] == [
        (event_id, "uk.cla.placements.child-entered-care.v1", "2025-02-01")]
    assert await unpublished(database, child) == [(event_id, False)]
