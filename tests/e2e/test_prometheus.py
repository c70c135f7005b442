"""A real Prometheus (Debian's, installed by `make tools`) scrapes the running indicators service, and a
KPI read through PromQL is the KPI the API answers."""

import shutil
import subprocess
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import yaml

from backbone.events import to_kafka_message
from devstack.infra import free_port, run_blocking
from devstack.partners import Partner

pytestmark = pytest.mark.integration


ALERTS = Path(__file__).resolve().parents[2] / "infra/prometheus/alerts.yml"


@pytest.fixture
def prometheus(stack, tmp_path):
    """Prometheus scraping the indicators service every second and evaluating the project's alert rules."""
    binary = shutil.which("prometheus")
    if not binary:
        pytest.fail("prometheus is not on PATH: run `make tools` (Debian package prometheus)", pytrace=False)
    target = urlparse(stack.url("indicators")).netloc
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"}, "rule_files": [str(ALERTS)],
              "scrape_configs": [{"job_name": "indicators", "static_configs": [{"targets": [target]}]}]}
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    process = subprocess.Popen([binary, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def test_a_kpi_read_through_promql_is_the_kpi_the_api_answers(stack, prometheus):
    kpis = Partner(stack.url("indicators"), "performance-team")
    deadline, result = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": 'cla_kpi_value{kpi="cla_count"}'})
            result = answer.json()["data"]["result"] if answer.status_code == 200 else []  # 503 while starting
        except httpx.TransportError:  # not listening yet
            result = []
        api = kpis.get("/kpis/cla_count").json()["value"]
        if result and float(result[0]["value"][1]) == api:
            break
        time.sleep(0.5)
    kpis.close()
    assert result, "Prometheus never scraped the indicators service"
    assert result[0]["metric"] == {"__name__": "cla_kpi_value", "instance": urlparse(stack.url("indicators")).netloc,
                                   "job": "indicators", "kpi": "cla_count"}  # the KPI id is the only label we add
    assert float(result[0]["value"][1]) == api


def query(prometheus: str, promql: str) -> list[dict]:
    try:
        answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": promql})
        return answer.json()["data"]["result"] if answer.status_code == 200 else []  # 503 while starting
    except httpx.TransportError:  # not listening yet
        return []


def active_alerts(prometheus: str) -> dict[str, str]:
    """Active alerts about the indicators service: name -> state (pending or firing)."""
    alerts = httpx.get(f"{prometheus}/api/v1/alerts").json()["data"]["alerts"]
    return {a["labels"]["alertname"]: a["state"] for a in alerts if a["labels"].get("job") == "indicators"}


async def publish_a_record_with_a_nul_in_its_id(bootstrap: str) -> None:
    from aiokafka import AIOKafkaProducer

    key, value, headers = to_kafka_message(
        event_id=str(uuid.uuid4()), source="/cla/alert-test", event_type="uk.cla.placements.child-entered-care.v1",
        subject="ALERT-1", time=datetime.now(timezone.utc),
        data={"care_period_id": str(uuid.uuid4()), "child_id": "ALERT-1", "date_of_birth": "2012-01-01",
              "start_date": "2025-01-10", "end_date": None, "legal_status": "C2", "reason_ceased": None,
              "effective_date": "2025-01-10", "record_version": 1})
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait("placements", value=value, key=key,
                                     headers=[(k, b"bad-\x00-id" if k == "ce_id" else v) for k, v in headers])
    finally:
        await producer.stop()


def test_the_first_record_parked_after_a_start_raises_the_alerts(stack, prometheus):
    series = 'cla_consumer_dead_letters_total{job="indicators", reason="invalid_event"}'
    deadline = time.monotonic() + 60
    while not query(prometheus, series) and time.monotonic() < deadline:
        time.sleep(0.5)
    before = query(prometheus, series)
    # Scraped before anything is parked (at 0 unless an earlier test parked one): the first park is an increase.
    assert before, "the dead-letter counter has no series before the first record is parked"

    run_blocking(publish_a_record_with_a_nul_in_its_id(stack.bootstrap))
    deadline, alerts = time.monotonic() + 90, {}
    while time.monotonic() < deadline:
        alerts = active_alerts(prometheus)
        if alerts.get("RecordsParked") == "firing" and alerts.get("RecordsSittingInDeadLetters") == "pending":
            break
        time.sleep(0.5)
    assert alerts.get("RecordsParked") == "firing", alerts
    assert alerts.get("RecordsSittingInDeadLetters") == "pending", alerts  # firing after an hour, from the table
    assert float(query(prometheus, 'cla_consumer_parked_records{job="indicators"}')[0]["value"][1]) >= 1
