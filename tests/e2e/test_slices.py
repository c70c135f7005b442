"""End to end, as partners and the performance team use the system: POST to a domain service, and the KPI
at the indicators service changes within a bounded time. All five services run as processes against the
real PostgreSQL and Apache Kafka started by the test set-up."""

import tomllib
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from backbone.clock import today
from devstack.partners import Partner
from devstack.waiting import wait_until

pytestmark = pytest.mark.integration
TARGETS = Path(__file__).resolve().parents[2] / "services/indicators/indicators_service/targets.toml"
FRESHNESS_SECONDS = 2  # the bound: a posted record shows in the KPIs within 2 seconds
TODAY = today()


@pytest.fixture(scope="module")
def partners(stack):
    stack.wait_until_applied()  # the figures read as "before" hold what earlier tests posted
    made = {
        "case": Partner(stack.url("placements"), "case-system"),
        "health": Partner(stack.url("health"), "health-provider"),
        "school": Partner(stack.url("education"), "virtual-school"),
        "leaving": Partner(stack.url("leaving_care"), "leaving-care-team"),
        "kpis": Partner(stack.url("indicators"), "performance-team"),
    }
    yield made
    for partner in made.values():
        partner.close()


def new_child() -> str:
    return f"T-{uuid.uuid4().hex[:12]}"


def kpi(partners, kpi_id: str, as_of: date = TODAY) -> dict:
    response = partners["kpis"].get(f"/kpis/{kpi_id}", as_of=as_of.isoformat())
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_kpi(partners, kpi_id: str, expected: dict, as_of: date = TODAY, within: float = FRESHNESS_SECONDS) -> dict:
    assert expected, "wait for figures, not for any answer"
    seen = []

    def reached():
        seen.append(kpi(partners, kpi_id, as_of))
        return all(seen[-1][k] == v for k, v in expected.items()) and seen[-1]

    return wait_until(reached, within, lambda: f"{kpi_id} is {seen[-1]}, expected {expected}")


def enter_care(partners, child: str, entered: date, born: date = date(2012, 5, 1)) -> dict:
    return partners["case"].post_ok(f"/children/{child}/care-periods", {
        "date_of_birth": born.isoformat(), "start_date": entered.isoformat(), "legal_status": "C2"})


def test_placements_slice_cla_count_and_placement_stability(partners):
    child = new_child()
    before_count = kpi(partners, "cla_count")["value"]
    yesterday_count = kpi(partners, "cla_count", TODAY - timedelta(days=1))["value"]
    before = kpi(partners, "placement_stability_3plus")
    enter_care(partners, child, TODAY - timedelta(days=200))
    wait_for_kpi(partners, "cla_count", {"value": before_count + 1})

    for n, days_ago in enumerate([200, 120]):
        partners["case"].post_ok(f"/children/{child}/placements", {
            "start_date": (TODAY - timedelta(days=days_ago)).isoformat(), "placement_type": "U1", "carer_id": f"C{n}"})
    wait_for_kpi(partners, "placement_stability_3plus", {"numerator": before["numerator"], "denominator": before["denominator"] + 1})
    partners["case"].post_ok(f"/children/{child}/placements", {
        "start_date": (TODAY - timedelta(days=10)).isoformat(), "placement_type": "K2", "carer_id": "C2"})
    wait_for_kpi(partners, "placement_stability_3plus", {"numerator": before["numerator"] + 1})

    # Leaving care takes the child out of the population on the day they leave.
    period = partners["case"].get(f"/children/{child}", purpose="test: find the period of care").json()["care_periods"][0]
    partners["case"].post_ok(f"/children/{child}/care-periods/{period['care_period_id']}/end",
                             {"end_date": TODAY.isoformat(), "reason_ceased": "E13"})
    wait_for_kpi(partners, "cla_count", {"value": before_count})
    # ...but the figures as of an earlier date still count them.
    assert kpi(partners, "cla_count", TODAY - timedelta(days=1))["value"] == yesterday_count + 1


def test_health_slice_iha_within_20_working_days(partners):
    child = new_child()
    entered = TODAY - timedelta(days=90)  # the IHA fell due about 60 days ago: inside the window
    before = kpi(partners, "iha_within_20_working_days")
    enter_care(partners, child, entered)
    wait_for_kpi(partners, "iha_within_20_working_days", {"numerator": before["numerator"], "denominator": before["denominator"] + 1})
    partners["health"].post_ok(f"/children/{child}/initial-health-assessments",
                               {"completed_date": (entered + timedelta(days=7)).isoformat()})
    wait_for_kpi(partners, "iha_within_20_working_days", {"numerator": before["numerator"] + 1})


def test_education_slice_initial_pep_on_time(partners):
    child = new_child()
    notified = TODAY - timedelta(days=70)
    enter_care(partners, child, notified - timedelta(days=1))
    before = kpi(partners, "pep_initial_on_time")
    partners["school"].post_ok(f"/children/{child}/virtual-school-notifications", {"notified_date": notified.isoformat()})
    wait_for_kpi(partners, "pep_initial_on_time", {"numerator": before["numerator"], "denominator": before["denominator"] + 1})
    partners["school"].post_ok(f"/children/{child}/initial-peps", {"completed_date": (notified + timedelta(days=1)).isoformat()})
    wait_for_kpi(partners, "pep_initial_on_time", {"numerator": before["numerator"] + 1})


def test_leaving_care_slice_personal_adviser_allocated(partners):
    child = new_child()
    born = TODAY - timedelta(days=int(17.6 * 365.25))  # 17 years 7 months: over the 17y4m threshold
    before = kpi(partners, "pa_allocated")
    # Looked after for the last 400 days (from 16 years 5 months): eligible from the care history alone.
    enter_care(partners, child, TODAY - timedelta(days=400), born=born)
    wait_for_kpi(partners, "pa_allocated", {"numerator": before["numerator"], "denominator": before["denominator"] + 1})
    partners["leaving"].post_ok(f"/children/{child}/adviser-allocations",
                                {"role": "personal_adviser", "start_date": (TODAY - timedelta(days=5)).isoformat()})
    wait_for_kpi(partners, "pa_allocated", {"numerator": before["numerator"] + 1})
    # A recorded decision overrides the care history: no longer supported, out of the population.
    partners["leaving"].post_ok(f"/children/{child}/leaving-care-status",
                                {"status": "no_longer_supported", "effective_date": (TODAY - timedelta(days=1)).isoformat()})
    wait_for_kpi(partners, "pa_allocated", {"numerator": before["numerator"], "denominator": before["denominator"]})


def test_kpi_api_lists_every_kpi_with_its_parts(partners):
    response = partners["kpis"].get("/kpis", as_of="2025-03-31")
    assert response.status_code == 200
    kpis = {k["id"]: k for k in response.json()}
    assert {"cla_count", "placement_stability_3plus", "iha_within_20_working_days", "pep_initial_on_time", "pa_allocated"} <= set(kpis)
    assert all(set(k) >= {"id", "value", "numerator", "denominator", "as_of"} for k in kpis.values())
    assert kpis["cla_count"]["as_of"] == "2025-03-31"
    assert partners["kpis"].get("/kpis/no_such_kpi").status_code == 404
    bad = partners["kpis"].get("/kpis", as_of="2025-02-30")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_metrics_expose_a_gauge_per_kpi_and_never_a_child_id(stack, partners):
    child = new_child()
    before = kpi(partners, "cla_count")["value"]
    enter_care(partners, child, TODAY - timedelta(days=3))
    wait_for_kpi(partners, "cla_count", {"value": before + 1})
    # The gauges are recomputed once the events are applied: wait until they count this child too.
    counted = f'cla_kpi_value{{kpi="cla_count"}} {float(before + 1)}'
    metrics = wait_until(lambda: counted in (text := httpx.get(f"{stack.url('indicators')}/metrics").text) and text,
                         10, f"the gauge {counted}")
    assert 'cla_kpi_value{kpi="placement_stability_3plus"}' in metrics
    assert 'cla_kpi_numerator{kpi="iha_within_20_working_days"}' in metrics
    assert 'cla_kpi_target{kpi="pa_allocated"} 100.0' in metrics  # the council's targets, beside each figure
    breaching = [line for line in metrics.splitlines() if line.startswith("cla_kpi_breaching_target{")]
    with_targets = {kpi for kpi, entry in tomllib.loads(TARGETS.read_text()).items() if "target" in entry}
    assert {line.split('"')[1] for line in breaching} == with_targets
    assert all(line.split()[-1] in ("0.0", "1.0", "NaN") for line in breaching)
    assert child not in metrics  # the gauges that count the child, labelled by KPI only
    placements = httpx.get(f"{stack.url('placements')}/metrics").text
    assert 'route="/children/{child_id}/care-periods"' in placements  # the child's request was measured...
    assert child not in placements  # ...by its route template, never its path
