"""Readiness during a broker outage: the service stays ready (it still takes partners' writes into its outbox)
and says the broker is down; once the broker is back it says so, steadily, and the outbox drains."""

import os
import re
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from devstack.broker import KafkaBroker
from devstack.infra import free_port
from devstack.partners import Partner
from devstack.services import SERVICES

pytestmark = pytest.mark.integration
PLACEMENTS = next(s for s in SERVICES if s.name == "placements")


def ready(port: int) -> tuple[int, dict] | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=3)
        return response.status_code, response.json()["checks"]
    except httpx.HTTPError:
        return None


def wait_for(port: int, wanted: tuple[int, dict], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    answer = None
    while time.monotonic() < deadline:
        answer = ready(port)
        if answer == wanted:
            return
        time.sleep(0.2)
    raise AssertionError(f"readiness never answered {wanted} within {timeout:.0f}s (last: {answer})")


def unpublished(port: int) -> float:
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=3).text
    return float(re.search(r"^cla_outbox_unpublished (\S+)$", metrics, re.MULTILINE).group(1))


def test_a_broker_outage_leaves_the_service_ready_for_writes_and_readiness_says_which_is_down(make_database, tmp_path):
    broker = KafkaBroker(tmp_path / "kafka", port=free_port(), controller_port=free_port(), durable=False).start()
    broker.create_topics()
    port = free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "placements_service.main:create_app", "--port", str(port),
         "--no-proxy-headers"],
        cwd=PLACEMENTS.directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "ENVIRONMENT": "test", "DATABASE_URL": make_database("placements", f"ready_{uuid.uuid4().hex[:8]}"),
             "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers, "COUNCIL_LA_CODE": "E08000034"},
    )
    case = Partner(f"http://127.0.0.1:{port}", "case-system")
    try:
        wait_for(port, (200, {"database": True, "broker": True}), 60)
        broker.kill()
        wait_for(port, (200, {"database": True, "broker": False}), 20)  # ready, and says what is down
        written = case.post("/children/READY-1/care-periods",
                            {"date_of_birth": "2015-01-01", "start_date": "2025-01-01", "legal_status": "C2"})
        assert written.status_code == 201, written.text  # a partner's write is taken into the outbox
        broker.start()
        wait_for(port, (200, {"database": True, "broker": True}), 60)
        samples = []
        for _ in range(25):
            samples.append(ready(port))
            time.sleep(0.2)
        assert samples == [(200, {"database": True, "broker": True})] * 25  # no flapping once the broker is back
        deadline = time.monotonic() + 30
        while unpublished(port) and time.monotonic() < deadline:  # the write made during the outage goes out
            time.sleep(0.2)
        assert unpublished(port) == 0
    finally:
        case.close()
        service.terminate()
        try:
            service.wait(30)
        except subprocess.TimeoutExpired:  # once, under the full suite's load, a stop took over 15 s just after
            service.kill()                 # the broker came back; the readiness asserted above is what this tests
            service.wait(10)
        broker.stop()
