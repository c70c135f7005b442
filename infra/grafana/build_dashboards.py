"""Grafana dashboards as code, generated from the indicators service's KPI registry. Writes
infra/grafana/dashboards/*.json:

    python infra/grafana/build_dashboards.py

- board-overview.json: every KPI: its value now, its target and benchmarks, and its 12-month trend; the
  children overdue on each work list;
- domain-<domain>.json: one page per domain: each KPI live, its whole month-end history, its breakdown;
- operations.json: freshness, request rates and latency per service, event delivery.

Live values come from Prometheus (the gauges, labelled by KPI id only); history from the indicators
database's kpi_history table through a PostgreSQL data source with a read-only role that can read that table
and nothing else. The JSON is committed (Grafana provisions it from disk) and a test checks it matches this
script and names every KPI, so edit here and regenerate rather than editing the JSON or saving from Grafana.
"""

import json
from pathlib import Path

from indicators_service.kpis.definition import Kpi, Unit
from indicators_service.kpis.registry import KPIS, WORKLISTS

OUTPUT = Path(__file__).parent / "dashboards"

# Provisioned with these uids in infra/grafana/provisioning/datasources/.
PROMETHEUS = {"type": "prometheus", "uid": "prometheus"}
HISTORY = {"type": "grafana-postgresql-datasource", "uid": "kpi-history"}

# Compose service names; each is its own Prometheus job (infra/prometheus/prometheus.yml).
SERVICES = ["placements", "health", "education", "leaving-care", "indicators"]
DOMAIN_TITLES = {"placements": "Placements", "health": "Health", "education": "Education", "leaving-care": "Leaving care"}

# Scrapes and health probes would swamp the partner traffic the operations page is about.
NOT_OPERATIONS = 'route!~"/metrics|/health/.*"'

# A KPI whose denominator is 0 has no value ("no data"), never 0% or 100%.
NO_DATA_MAPPING = {"type": "special", "options": {"match": "nan", "result": {"text": "no data"}}}


def promql(ref_id: str, expr: str, legend: str) -> dict:
    return {"refId": ref_id, "datasource": PROMETHEUS, "expr": expr, "legendFormat": legend}


def sql(ref_id: str, query: str) -> dict:
    return {"refId": ref_id, "datasource": HISTORY, "rawSql": query, "format": "time_series", "editorMode": "code",
            "rawQuery": True}


def unit_of(kpi: Kpi) -> str:
    return "percent" if kpi.unit is Unit.PERCENT else "none"


def stat(panel_id: int, title: str, targets: list[dict], grid: dict, unit: str = "none", description: str = "",
         value_overrides: bool = False) -> dict:
    """Latest value; with ``value_overrides`` the first query (A) is the percentage, the others counts."""
    overrides = [{"matcher": {"id": "byFrameRefID", "options": "A"},
                  "properties": [{"id": "unit", "value": "percent"}, {"id": "decimals", "value": 1}]}] if value_overrides else []
    return {
        "id": panel_id, "type": "stat", "title": title, "description": description, "datasource": targets[0]["datasource"],
        "gridPos": grid, "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit, "decimals": 1 if unit == "percent" else 0, "noValue": "no data",
                                     "mappings": [NO_DATA_MAPPING], "color": {"mode": "fixed", "fixedColor": "text"}},
                        "overrides": overrides},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "textMode": "value_and_name",
                    "colorMode": "none", "graphMode": "none", "justifyMode": "auto", "orientation": "vertical"},
    }


def kpi_stat(panel_id: int, kpi: Kpi, grid: dict) -> dict:
    """The KPI now, with numerator and denominator beside a percentage."""
    targets = [promql("A", f'cla_kpi_value{{kpi="{kpi.id}"}}', "value")]
    if kpi.unit is Unit.PERCENT:
        targets += [promql("B", f'cla_kpi_numerator{{kpi="{kpi.id}"}}', "numerator"),
                    promql("C", f'cla_kpi_denominator{{kpi="{kpi.id}"}}', "denominator")]
    return stat(panel_id, kpi.title, targets, grid, "none", f"KPI `{kpi.id}`: {kpi.definition}", kpi.unit is Unit.PERCENT)


def timeseries(panel_id: int, title: str, targets: list[dict], unit: str, grid: dict, **axis) -> dict:
    return {
        "id": panel_id, "type": "timeseries", "title": title, "datasource": targets[0]["datasource"], "gridPos": grid,
        "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit, "noValue": "no data", **axis}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
    }


def history_query(kpi: Kpi, ref_id: str, last_12_months: bool) -> dict:
    window = "month_end > CURRENT_DATE - INTERVAL '12 months'" if last_12_months else "$__timeFilter(month_end)"
    return sql(ref_id, f"SELECT month_end::timestamp AS time, value AS \"{kpi.id}\" FROM kpi_history "
                       f"WHERE kpi_id = '{kpi.id}' AND {window} ORDER BY 1")


def axis_of(kpi: Kpi) -> dict:
    return {"min": 0, "max": 100} if kpi.unit is Unit.PERCENT else {"min": 0}


def row(panel_id: int, title: str, y: int) -> dict:
    return {"id": panel_id, "type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}}


def dashboard(uid: str, title: str, description: str, panels: list[dict], time_from: str, tags: list[str]) -> dict:
    links = [{"type": "dashboards", "tags": ["cla"], "asDropdown": True, "title": "Children looked after"}]
    return {"uid": uid, "title": title, "description": description, "tags": ["cla", *tags], "editable": False,
            "schemaVersion": 39, "version": 1, "time": {"from": time_from, "to": "now"}, "refresh": "1m",
            "timezone": "browser", "annotations": {"list": []}, "templating": {"list": []}, "links": links,
            "panels": panels}


class Panels(list):
    def next_id(self) -> int:
        return len(self) + 1


def board_overview() -> dict:
    panels, y = Panels(), 0
    for domain in DOMAIN_TITLES:
        kpis = [k for k in KPIS.values() if k.domain == domain]
        if not kpis:
            continue
        panels.append(row(panels.next_id(), DOMAIN_TITLES[domain], y))
        y += 1
        for kpi in kpis:
            panels.append(kpi_stat(panels.next_id(), kpi, {"x": 0, "y": y, "w": 6, "h": 6}))
            compared = [promql("A", f'cla_kpi_target{{kpi="{kpi.id}"}}', "target"),
                        promql("B", f'cla_kpi_benchmark{{kpi="{kpi.id}"}}', "{{benchmark}}")]
            panels.append(stat(panels.next_id(), "Target and benchmarks", compared, {"x": 6, "y": y, "w": 4, "h": 6},
                               unit_of(kpi)))
            panels.append(timeseries(panels.next_id(), f"{kpi.title}: last 12 months (month-end)",
                                     [history_query(kpi, "A", last_12_months=True)], unit_of(kpi),
                                     {"x": 10, "y": y, "w": 14, "h": 6}, **axis_of(kpi)))
            y += 6
    panels.append(row(panels.next_id(), "Work lists: overdue now", y))
    y += 1
    for n, work_list in enumerate(WORKLISTS.values()):  # a count per list: no child is in a label
        panels.append(stat(panels.next_id(), work_list.title,
                           [promql("A", f'cla_worklist_overdue{{worklist="{work_list.id}"}}', "overdue")],
                           {"x": 6 * (n % 4), "y": y + 4 * (n // 4), "w": 6, "h": 4},
                           description=f"Work list `{work_list.id}` (GET /worklists/{work_list.id}): items past their "
                                       f"due date. {work_list.definition}"))
    return dashboard("cla-board-overview", "Corporate parenting: board overview",
                     "Every KPI: its value now, its target and benchmarks, and its 12-month trend; the children "
                     "overdue on each work list.", panels, "now-1y", ["kpi"])


def domain_page(domain: str) -> dict:
    panels, y = Panels(), 0
    for kpi in (k for k in KPIS.values() if k.domain == domain):
        panels.append(row(panels.next_id(), kpi.title, y))
        y += 1
        panels.append(kpi_stat(panels.next_id(), kpi, {"x": 0, "y": y, "w": 6, "h": 7}))
        live = [promql("A", f'cla_kpi_value{{kpi="{kpi.id}"}}', kpi.title)]
        if kpi.breakdown:
            live.append(promql("B", f'cla_kpi_breakdown_value{{kpi="{kpi.id}"}}', "{{breakdown}}"))
        panels.append(timeseries(panels.next_id(), f"{kpi.title}: live", live, unit_of(kpi),
                                 {"x": 6, "y": y, "w": 9, "h": 7}, **axis_of(kpi)))
        panels.append(timeseries(panels.next_id(), f"{kpi.title}: month-end history", [history_query(kpi, "A", False)],
                                 unit_of(kpi), {"x": 15, "y": y, "w": 9, "h": 7}, **axis_of(kpi)))
        y += 7
    return dashboard(f"cla-{domain}", f"Corporate parenting: {DOMAIN_TITLES[domain]}",
                     f"The {DOMAIN_TITLES[domain].lower()} KPIs: live, month-end history and breakdowns.", panels,
                     "now-5y", ["kpi", domain])


def operations() -> dict:
    panels, y = Panels(), 0
    panels.append(row(panels.next_id(), "Freshness", y))
    y += 1
    freshness = [
        ("Seconds since the KPI gauges were computed", "time() - cla_kpi_refreshed_timestamp_seconds", "{{job}}", "s"),
        ("KPI query time at the last refresh", "cla_kpi_compute_seconds", "{{kpi}}", "s"),
        ("Age of the newest record consumed", "time() - cla_consumer_newest_record_timestamp_seconds", "{{job}}", "s"),
        ("Events applied per second by type", 'sum by (event_type) (rate(cla_events_applied_total{job="indicators"}[$__rate_interval]))',
         "{{event_type}}", "short"),
    ]
    for n, (title, expr, legend, unit) in enumerate(freshness):
        panels.append(timeseries(panels.next_id(), title, [promql("A", expr, legend)], unit,
                                 {"x": 12 * (n % 2), "y": y + 8 * (n // 2), "w": 12, "h": 8}))
    y += 16
    panels.append(row(panels.next_id(), "Requests", y))
    y += 1
    for service in SERVICES:
        selector = f'job="{service}", {NOT_OPERATIONS}'
        panels.append(timeseries(panels.next_id(), f"{service}: requests per second by route and status", [promql(
            "A", f"sum by (method, route, status) (rate(http_request_duration_seconds_count{{{selector}}}[$__rate_interval]))",
            "{{method}} {{route}} {{status}}")], "reqps", {"x": 0, "y": y, "w": 12, "h": 8}))
        panels.append(timeseries(panels.next_id(), f"{service}: p99 latency by route", [promql(
            "A", "histogram_quantile(0.99, sum by (method, route, le) "
                 f"(rate(http_request_duration_seconds_bucket{{{selector}}}[$__rate_interval])))",
            "{{method}} {{route}}")], "s", {"x": 12, "y": y, "w": 12, "h": 8}))
        y += 8
    panels.append(row(panels.next_id(), "Event delivery (what infra/prometheus/alerts.yml watches)", y))
    y += 1
    delivery = [
        ("Records parked in dead_letters (per hour)", "sum by (job, reason) (increase(cla_consumer_dead_letters_total[1h]))",
         "{{job}} {{reason}}", "short"),
        ("Consumer lag (records not yet applied)", "sum by (job, topic, partition) (cla_consumer_lag_records)",
         "{{job}} {{topic}}/{{partition}}", "short"),
        ("Outbox backlog (rows not yet on the bus)", "cla_outbox_unpublished", "{{job}}", "short"),
        ("Oldest unpublished outbox row", "cla_outbox_oldest_unpublished_age_seconds", "{{job}}", "s"),
        ("Consumer restarts (per hour)", "sum by (job) (increase(cla_consumer_restarts_total[1h]))", "{{job}}", "short"),
        ("Server errors (per hour)", 'sum by (job) (increase(http_request_duration_seconds_count{status=~"5.."}[1h]))',
         "{{job}}", "short"),
    ]
    for n, (title, expr, legend, unit) in enumerate(delivery):
        panels.append(timeseries(panels.next_id(), title, [promql("A", expr, legend)], unit,
                                 {"x": 12 * (n % 2), "y": y + 8 * (n // 2), "w": 12, "h": 8}))
    return dashboard("cla-operations", "Corporate parenting: operations",
                     "Is the data fresh and flowing: KPI refresh, consumer lag, requests, errors, dead letters.",
                     panels, "now-24h", ["operations"])


def build() -> dict[str, dict]:
    """File name -> dashboard."""
    pages = {"board-overview.json": board_overview(), "operations.json": operations()}
    for domain in dict.fromkeys(k.domain for k in KPIS.values()):
        pages[f"domain-{domain}.json"] = domain_page(domain)
    return pages


def render(page: dict) -> str:
    return json.dumps(page, indent=2) + "\n"


if __name__ == "__main__":
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*.json"):
        old.unlink()
    for name, page in build().items():
        (OUTPUT / name).write_text(render(page))
        print(f"wrote {OUTPUT / name}")
