"""A real Prometheus (Debian's, installed by `make tools`) scrapes the running indicators service, and a
KPI read through PromQL is the KPI the API answers."""

import shutil
import subprocess
import time
from urllib.parse import urlparse

import httpx
import pytest
import yaml

from devstack.infra import free_port
from devstack.partners import Partner

pytestmark = pytest.mark.integration


@pytest.fixture
def prometheus(stack, tmp_path):
    binary = shutil.which("prometheus")
    if not binary:
        pytest.fail("prometheus is not on PATH: run `make tools` (Debian package prometheus)", pytrace=False)
    target = urlparse(stack.url("indicators")).netloc
    config = {"global": {"scrape_interval": "1s"},
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
