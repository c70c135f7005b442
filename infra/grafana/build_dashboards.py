"""Grafana dashboards as code. Writes infra/grafana/dashboards/corporate-parenting.json.

    python infra/grafana/build_dashboards.py

The JSON is committed (Grafana provisions it from disk) and a test checks it matches this script, so edit
here and regenerate rather than editing the JSON or saving from the Grafana UI. The KPI panels come from
the indicators service's KPI registry (one per KPI module, grouped by domain): a new KPI appears here when
the dashboard is regenerated, and the test fails until it is.
"""

import json
from pathlib import Path

from indicators_service.kpis.definition import Unit
from indicators_service.kpis.registry import KPIS

OUTPUT = Path(__file__).parent / "dashboards" / "corporate-parenting.json"

# Provisioned with this uid in infra/grafana/provisioning/datasources/prometheus.yml.
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}

# Compose service names; each is its own Prometheus job (infra/prometheus/prometheus.yml).
SERVICES = ["placements", "health", "education", "leaving-care", "indicators"]

# Scrapes and health probes would swamp the partner traffic the operations row is about.
NOT_OPERATIONS = 'route!~"/metrics|/health/.*"'

# A KPI whose denominator is 0 has no value ("no data"), never 0% or 100%.
NO_DATA_MAPPING = {"type": "special", "options": {"match": "nan", "result": {"text": "no data"}}}


def target(ref_id: str, expr: str, legend: str) -> dict:
    return {"refId": ref_id, "datasource": DATASOURCE, "expr": expr, "legendFormat": legend}


def kpi_stat(panel_id: int, kpi: str, title: str, percent: bool, grid: dict) -> dict:
    """Latest value, with numerator and denominator beside a percentage."""
    targets = [target("A", f'cla_kpi_value{{kpi="{kpi}"}}', "value")]
    overrides = []
    if percent:
        targets += [
            target("B", f'cla_kpi_numerator{{kpi="{kpi}"}}', "numerator"),
            target("C", f'cla_kpi_denominator{{kpi="{kpi}"}}', "denominator"),
        ]
        overrides.append({
            "matcher": {"id": "byFrameRefID", "options": "A"},
            "properties": [{"id": "unit", "value": "percent"}, {"id": "decimals", "value": 1}],
        })
    return {
        "id": panel_id,
        "type": "stat",
        "title": title,
        "description": f"KPI `{kpi}`",
        "datasource": DATASOURCE,
        "gridPos": grid,
        "targets": targets,
        "fieldConfig": {
            "defaults": {
                "unit": "none",
                "decimals": 0,
                "noValue": "no data",
                "mappings": [NO_DATA_MAPPING],
                "color": {"mode": "fixed", "fixedColor": "text"},
            },
            "overrides": overrides,
        },
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "textMode": "value_and_name",
            "colorMode": "none",
            "graphMode": "none",
            "justifyMode": "auto",
            "orientation": "vertical",
        },
    }


def timeseries(panel_id: int, title: str, targets: list[dict], unit: str, grid: dict, **axis) -> dict:
    return {
        "id": panel_id,
        "type": "timeseries",
        "title": title,
        "datasource": DATASOURCE,
        "gridPos": grid,
        "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit, "noValue": "no data", **axis}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
    }


def row(panel_id: int, title: str, y: int) -> dict:
    return {"id": panel_id, "type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}}


def build() -> dict:
    panels: list[dict] = []
    y = 0

    def next_id() -> int:
        return len(panels) + 1

    domains = list(dict.fromkeys(kpi.domain for kpi in KPIS.values()))
    for domain in domains:
        panels.append(row(next_id(), f"KPIs: {domain}", y))
        y += 1
        for kpi in (k for k in KPIS.values() if k.domain == domain):
            percent = kpi.unit is Unit.PERCENT
            panels.append(kpi_stat(next_id(), kpi.id, kpi.title, percent, {"x": 0, "y": y, "w": 6, "h": 6}))
            axis = {"min": 0, "max": 100} if percent else {"min": 0}
            series = [target("A", f'cla_kpi_value{{kpi="{kpi.id}"}}', kpi.title)]
            if kpi.breakdown:
                series.append(target("B", f'cla_kpi_breakdown_value{{kpi="{kpi.id}"}}', "{{breakdown}}"))
            panels.append(timeseries(next_id(), kpi.title, series, "percent" if percent else "none",
                                     {"x": 6, "y": y, "w": 18, "h": 6}, **axis))
            y += 6

    panels.append(row(next_id(), "Operations", y))
    y += 1
    for service in SERVICES:
        selector = f'job="{service}", {NOT_OPERATIONS}'
        panels.append(timeseries(
            next_id(), f"{service}: requests per second by route",
            [target("A", f"sum by (method, route) (rate(http_request_duration_seconds_count{{{selector}}}[$__rate_interval]))",
                    "{{method}} {{route}}")],
            "reqps", {"x": 0, "y": y, "w": 12, "h": 8},
        ))
        panels.append(timeseries(
            next_id(), f"{service}: p99 latency by route",
            [target("A", "histogram_quantile(0.99, sum by (method, route, le) "
                         f"(rate(http_request_duration_seconds_bucket{{{selector}}}[$__rate_interval])))",
                    "{{method}} {{route}}")],
            "s", {"x": 12, "y": y, "w": 12, "h": 8},
        ))
        y += 8
    panels.append(timeseries(
        next_id(), "indicators: events applied per second by type",
        [target("A", 'sum by (event_type) (rate(cla_events_applied_total{job="indicators"}[$__rate_interval]))',
                "{{event_type}}")],
        "short", {"x": 0, "y": y, "w": 24, "h": 8},
    ))
    y += 8
    # Event delivery: what the alert rules in infra/prometheus/alerts.yml watch.
    delivery = [
        ("Records parked in dead_letters (per hour)", "sum by (job, reason) (increase(cla_consumer_dead_letters_total[1h]))",
         "{{job}} {{reason}}", "short"),
        ("Consumer lag (records not yet applied)", "sum by (job) (cla_consumer_lag_records)", "{{job}}", "short"),
        ("Outbox backlog (rows not yet on the bus)", "cla_outbox_unpublished", "{{job}}", "short"),
        ("Oldest unpublished outbox row", "cla_outbox_oldest_unpublished_age_seconds", "{{job}}", "s"),
        ("Consumer restarts (per hour)", "sum by (job) (increase(cla_consumer_restarts_total[1h]))", "{{job}}", "short"),
        ("Age of the newest record consumed", "time() - cla_consumer_newest_record_timestamp_seconds", "{{job}}", "s"),
    ]
    for n, (title, expr, legend, unit) in enumerate(delivery):
        panels.append(timeseries(next_id(), title, [target("A", expr, legend)], unit,
                                 {"x": 12 * (n % 2), "y": y + 8 * (n // 2), "w": 12, "h": 8}))

    return {
        "uid": "corporate-parenting",
        "title": "Corporate parenting: children looked after",
        "description": "Live KPIs for children looked after, and the health of the services behind them.",
        "tags": ["cla", "kpi"],
        "editable": False,
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-30d", "to": "now"},
        "refresh": "1m",
        "timezone": "browser",
        "annotations": {"list": []},
        "templating": {"list": []},
        "panels": panels,
    }


def render() -> str:
    return json.dumps(build(), indent=2) + "\n"


if __name__ == "__main__":
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT}")
