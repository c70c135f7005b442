"""The Grafana dashboards: generated from the KPI registry, every KPI on the overview and on its domain page,
every query naming a metric the services export or the one table Grafana may read."""

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from indicators_service.kpis.definition import Unit
from indicators_service.kpis.registry import KPIS, WORKLISTS

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "infra/grafana"
SERVICES = ["placements", "health", "education", "leaving-care", "indicators"]


def builder():
    spec = importlib.util.spec_from_file_location("build_dashboards", GRAFANA / "build_dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))}


def panels(page: dict) -> list[dict]:
    return [p for p in page["panels"] if p["type"] != "row"]


def queries(page: dict, key: str) -> list[str]:
    return [t[key] for p in panels(page) for t in p["targets"] if key in t]


def exported_metrics() -> set[str]:
    code = "\n".join(p.read_text() for p in [*ROOT.glob("libs/*/*/*.py"), *ROOT.glob("services/*/*_service/**/*.py")])
    return set(re.findall(r'(?:Counter|Gauge|Histogram)\(\s*"(\w+)"', code))


def test_the_committed_dashboards_are_what_the_builder_produces():
    assert committed() == builder().build(), "run: python infra/grafana/build_dashboards.py"


def test_every_kpi_is_on_the_board_overview_with_its_value_target_and_trend():
    overview = committed()["board-overview.json"]
    for kpi in KPIS:
        live = [p for p in panels(overview) if any(f'kpi="{kpi}"' in q for q in queries({"panels": [p]}, "expr"))]
        history = [p for p in panels(overview) if any(f"kpi_id = '{kpi}'" in q for q in queries({"panels": [p]}, "rawSql"))]
        exprs = [t["expr"] for p in live for t in p["targets"]]
        assert any(e.startswith("cla_kpi_value") for e in exprs) and any(e.startswith("cla_kpi_target") for e in exprs), kpi
        assert any(e.startswith("cla_kpi_benchmark") for e in exprs), kpi
        assert [p["type"] for p in history] == ["timeseries"], kpi


def test_every_work_list_has_its_overdue_count_on_the_board_overview():
    exprs = queries(committed()["board-overview.json"], "expr")
    for work_list in WORKLISTS:
        assert f'cla_worklist_overdue{{worklist="{work_list}"}}' in exprs, work_list


def test_every_kpi_is_on_its_domain_page_live_and_as_history():
    pages = committed()
    for kpi in KPIS.values():
        page = pages[f"domain-{kpi.domain}.json"]
        assert any(f'cla_kpi_value{{kpi="{kpi.id}"}}' in q for q in queries(page, "expr")), kpi.id
        assert any(f"kpi_id = '{kpi.id}'" in q for q in queries(page, "rawSql")), kpi.id
        if kpi.breakdown:
            assert any(f'cla_kpi_breakdown_value{{kpi="{kpi.id}"}}' in q for q in queries(page, "expr")), kpi.id


def test_percentage_stats_show_numerator_and_denominator():
    for kpi in (k for k in KPIS.values() if k.unit is Unit.PERCENT):
        for page in committed().values():
            for panel in panels(page):
                exprs = [t.get("expr", "") for t in panel["targets"]]
                if panel["type"] == "stat" and exprs[0] == f'cla_kpi_value{{kpi="{kpi.id}"}}':
                    assert {e.split("{")[0] for e in exprs} == {"cla_kpi_value", "cla_kpi_numerator", "cla_kpi_denominator"}


def test_every_query_names_a_metric_the_services_export_or_the_history_table():
    def family(metric: str) -> str:
        return re.sub(r"_(total|count|bucket|sum|created)$", "", metric)

    exported = {family(m) for m in exported_metrics()}
    migrations = "\n".join(p.read_text() for p in (ROOT / "services/indicators/migrations/versions").glob("*.py"))
    for name, page in committed().items():
        for expr in queries(page, "expr"):
            unquoted = re.sub(r'"[^"]*"', '""', expr)  # label values (KPI ids) are not metric names
            used = {family(m) for m in re.findall(r"\b((?:cla|http)_\w+)", unquoted)}
            assert used and used <= exported, (name, expr)
        for query in queries(page, "rawSql"):
            tables = set(re.findall(r"\bFROM (\w+)", query))
            assert tables == {"kpi_history"}, (name, query)  # the only table grafana_reader may read
    assert '"kpi_history"' in migrations and "GRANT SELECT ON kpi_history TO grafana_reader" in migrations


def test_panels_use_the_provisioned_data_sources():
    provisioned = {d["uid"]: d["type"] for f in (GRAFANA / "provisioning/datasources").glob("*.yml")
                   for d in yaml.safe_load(f.read_text())["datasources"]}
    assert set(provisioned.values()) == {"prometheus", "grafana-postgresql-datasource"}
    for name, page in committed().items():
        for panel in panels(page):
            for query in panel["targets"]:
                assert provisioned.get(query["datasource"]["uid"]) == query["datasource"]["type"], (name, panel["title"])


def test_the_operations_page_covers_every_service_and_event_delivery():
    text = json.dumps(committed()["operations.json"])
    for service in SERVICES:
        assert f'job=\\"{service}\\"' in text, service
    for metric in ["cla_consumer_dead_letters_total", "cla_consumer_lag_records", "cla_outbox_unpublished",
                   "cla_outbox_oldest_unpublished_age_seconds", "cla_consumer_restarts_total",
                   "cla_consumer_newest_record_timestamp_seconds", "cla_kpi_refreshed_timestamp_seconds"]:
        assert metric in text, metric


def test_grafana_opens_on_the_board_overview():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    home = compose["services"]["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home.endswith("/board-overview.json")


def test_every_prometheus_query_is_valid_promql(tmp_path):
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.fail("promtool is not on PATH: run `make tools` (Debian package prometheus)", pytrace=False)
    exprs = sorted({e.replace("$__rate_interval", "5m") for page in committed().values() for e in queries(page, "expr")})
    rules = {"groups": [{"name": "dashboards", "rules": [{"record": f"q:{i}", "expr": e} for i, e in enumerate(exprs)]}]}
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules))
    result = subprocess.run([promtool, "check", "rules", str(tmp_path / "rules.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
