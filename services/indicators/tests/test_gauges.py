"""Gauges: only the KPIs that read a changed table are recomputed; breakdowns get a label, children never."""

import uuid
from datetime import date, datetime, timezone

import pytest
from prometheus_client import REGISTRY

from backbone.events import Event
from indicators_service import gauges as gauges_module
from indicators_service.gauges import KpiGauges
from indicators_service.kpis.registry import affected_by
from indicators_service.projections import apply_event, clear

pytestmark = pytest.mark.integration


async def apply(sessions, kind: str, data: dict) -> None:
    event = Event(str(uuid.uuid4()), "/test", f"uk.cla.{kind}.v1", data["child_id"], datetime.now(timezone.utc), data)
    async with sessions() as session, session.begin():
        await apply_event(session, event)


async def test_only_the_kpis_reading_a_changed_table_are_refreshed(sessions, engine, monkeypatch):
    monkeypatch.setattr(gauges_module, "today", lambda: date(2025, 3, 31))
    async with sessions() as session, session.begin():
        await clear(session)
    gauges = KpiGauges(sessions, engine, refresh_seconds=60, targets={})
    await gauges._changed_kpis()  # start from what is there
    await apply(sessions, "health.initial-health-assessment-completed", {
        "assessment_id": "g-iha", "child_id": "g1", "completed_date": "2025-01-10", "effective_date": "2025-01-10",
        "record_version": 1})
    assert [k.id for k in await gauges._changed_kpis()] == ["iha_within_20_working_days"]
    assert await gauges._changed_kpis() == []  # seen: not refreshed again

    await apply(sessions, "leaving-care.care-leaver-status-recorded", {
        "status_id": "g-s", "child_id": "g2", "status": "former_relevant", "effective_date": "2024-01-01", "record_version": 1})
    await apply(sessions, "placements.child-entered-care", {
        "care_period_id": "g-cp", "child_id": "g2", "date_of_birth": "2005-06-01", "start_date": "2019-01-01",
        "end_date": "2023-06-01", "legal_status": "C2", "reason_ceased": "E13", "effective_date": "2023-06-01",
        "record_version": 1})
    changed = await gauges._changed_kpis()
    assert {k.id for k in changed} == {k.id for k in affected_by({"care_periods", "care_leaver_statuses"})}
    assert "pa_allocated" in {k.id for k in changed}
    await gauges.refresh(changed)
    # g2 is 19 on 31 March 2025, former relevant, no personal adviser: the 19-21 band is 0 of 1.
    labels = {"kpi": "pa_allocated", "breakdown": "19-21"}
    assert REGISTRY.get_sample_value("cla_kpi_breakdown_denominator", labels) == 1
    assert REGISTRY.get_sample_value("cla_kpi_breakdown_value", labels) == 0
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            assert not any(value.startswith("g") and value[1:].isdigit() for value in sample.labels.values())


async def test_each_work_list_has_a_gauge_of_its_overdue_items_with_no_child_in_its_labels(sessions, engine, monkeypatch):
    monkeypatch.setattr(gauges_module, "today", lambda: date(2025, 3, 31))
    async with sessions() as session, session.begin():
        await clear(session)
    # Entered care on 1 and 2 Jan 2025 (g3, g4): IHAs due on the 20th working day after, both overdue on 31 March;
    # g5 entered on 31 March: due in April.
    for child, entered in [("g3", "2025-01-01"), ("g4", "2025-01-02"), ("g5", "2025-03-31")]:
        await apply(sessions, "placements.child-entered-care", {
            "care_period_id": f"cp-{child}", "child_id": child, "date_of_birth": "2015-06-01", "start_date": entered,
            "end_date": None, "legal_status": "C2", "reason_ceased": None, "effective_date": entered,
            "record_version": 1})
    gauges = KpiGauges(sessions, engine, refresh_seconds=60, targets={})
    await gauges.refresh([], None)
    assert REGISTRY.get_sample_value("cla_worklist_overdue", {"worklist": "iha_due"}) == 2
    assert REGISTRY.get_sample_value("cla_worklist_overdue", {"worklist": "initial_pep_due"}) == 0
    for sample in next(m for m in REGISTRY.collect() if m.name == "cla_worklist_overdue").samples:
        assert set(sample.labels) == {"worklist"}


async def test_the_last_day_of_the_school_calendar_is_exported_for_the_alert_before_it_runs_out(sessions, engine):
    KpiGauges(sessions, engine, refresh_seconds=60, targets={})
    assert REGISTRY.get_sample_value("cla_school_calendar_last_day_timestamp_seconds", {"calendar": "term_dates.toml"}) \
        == datetime(2028, 7, 20, tzinfo=timezone.utc).timestamp()  # the shipped term dates' last day
