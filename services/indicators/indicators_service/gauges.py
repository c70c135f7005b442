"""Prometheus gauges of every KPI, and of the items overdue on each work list, as of today. After events are
applied only the KPIs and lists that read a changed table are recomputed; all of them are recomputed as the
date moves on (every ``refresh_seconds``)."""

import asyncio
import logging
from datetime import datetime, timezone

from prometheus_client import Gauge
from sqlalchemy import text

from backbone.clock import today
from backbone.db import Sessions

from indicators_service.kpis.definition import Kpi, WorkList
from indicators_service.kpis.engine import KpiEngine, KpiValue
from indicators_service.kpis.registry import KPIS, WORKLISTS, affected_by, lists_affected_by
from indicators_service.targets import Target

log = logging.getLogger(__name__)

# Labels are the KPI id and, for a breakdown, its group (an age band, a placement group): never a child.
VALUE = Gauge("cla_kpi_value", "KPI value as of today (percent, count or rate)", ["kpi"])
NUMERATOR = Gauge("cla_kpi_numerator", "KPI numerator (the count, for count KPIs)", ["kpi"])
DENOMINATOR = Gauge("cla_kpi_denominator", "KPI denominator (percent and rate KPIs)", ["kpi"])
TALLY = Gauge("cla_kpi_tally", "A count reported beside a KPI (e.g. approvals in the 12 months)", ["kpi", "tally"])
SEPARATELY = Gauge("cla_kpi_reported_separately", "Children outside the denominator, reported separately", ["kpi"])
BREAKDOWN_VALUE = Gauge("cla_kpi_breakdown_value", "KPI value within one group of its breakdown", ["kpi", "breakdown"])
BREAKDOWN_NUMERATOR = Gauge("cla_kpi_breakdown_numerator", "KPI numerator within one group", ["kpi", "breakdown"])
BREAKDOWN_DENOMINATOR = Gauge("cla_kpi_breakdown_denominator", "KPI denominator within one group", ["kpi", "breakdown"])
TARGET = Gauge("cla_kpi_target", "The council's target for the KPI (configured)", ["kpi"])
BREACHING = Gauge("cla_kpi_breaching_target", "1 when the KPI is worse than its target, 0 when not (NaN: no data)", ["kpi"])
BENCHMARK = Gauge("cla_kpi_benchmark", "Published comparison value (England, statistical neighbours…), configured",
                  ["kpi", "benchmark"])
SCHOOL_CALENDAR_ENDS = Gauge("cla_school_calendar_last_day_timestamp_seconds",
                             "The last day the council's term dates cover (Unix time, midnight UTC): the KPIs "
                             "that count school days have no figure after it", ["calendar"])
REFRESHED = Gauge("cla_kpi_refreshed_timestamp_seconds", "When the KPI gauges were last computed (stale-data alert)")
OVERDUE = Gauge("cla_worklist_overdue", "Items on the work list past their due date today", ["worklist"])
SECONDS = Gauge("cla_kpi_compute_seconds", "How long the KPI's query took at the last refresh", ["kpi"])

NAN = float("nan")  # "no data" (denominator 0): Grafana shows it as empty, not as 0%


def _number(value) -> float:
    return NAN if value is None else float(value)


class KpiGauges:
    def __init__(self, sessions: Sessions, engine: KpiEngine, refresh_seconds: float, targets: dict[str, Target],
                 settle_seconds: float = 0.2):
        self.engine = engine
        self.targets = targets
        calendar = engine.school_calendar
        SCHOOL_CALENDAR_ENDS.labels(calendar.name).set(
            datetime.combine(calendar.last_day, datetime.min.time(), timezone.utc).timestamp())
        for kpi, target in targets.items():
            if target.value is not None:
                TARGET.labels(kpi).set(target.value)
            for benchmark in target.benchmarks:
                # a band's value is not the whole figure's: the label says which group it compares with
                label = f"{benchmark.name} ({benchmark.band})" if benchmark.band else benchmark.name
                BENCHMARK.labels(kpi, label).set(benchmark.value)
        self._sessions = sessions
        self._refresh_seconds = refresh_seconds
        self._settle_seconds = settle_seconds
        self._changed = asyncio.Event()
        self._seen_seq = 0  # the newest change mark (source_changes.changed_seq) these gauges reflect

    async def events_applied(self) -> None:
        self._changed.set()

    def _publish(self, kpi: KpiValue) -> None:
        VALUE.labels(kpi.id).set(_number(kpi.value))
        NUMERATOR.labels(kpi.id).set(_number(kpi.numerator))
        DENOMINATOR.labels(kpi.id).set(_number(kpi.denominator))
        if kpi.reported_separately is not None:
            SEPARATELY.labels(kpi.id).set(kpi.reported_separately)
        for tally, count in (kpi.tallies or {}).items():
            TALLY.labels(kpi.id, tally).set(count)
        for group, figure in (kpi.breakdown or {}).items():
            BREAKDOWN_VALUE.labels(kpi.id, group).set(_number(figure.value))
            BREAKDOWN_NUMERATOR.labels(kpi.id, group).set(_number(figure.numerator))
            BREAKDOWN_DENOMINATOR.labels(kpi.id, group).set(_number(figure.denominator))
        if kpi.id in self.targets and self.targets[kpi.id].value is not None:
            breached = self.targets[kpi.id].breached_by(kpi.value)
            BREACHING.labels(kpi.id).set(NAN if breached is None else float(breached))

    async def refresh(self, kpis: list[Kpi] | None = None, lists: list[WorkList] | None = None) -> None:
        """Recompute ``kpis`` and the overdue counts of ``lists`` as of today (all of them by default)."""
        loop = asyncio.get_running_loop()
        async with self._sessions() as session:
            for kpi in KPIS.values() if kpis is None else kpis:
                started = loop.time()
                self._publish(await self.engine.value(session, kpi, today()))
                SECONDS.labels(kpi.id).set(loop.time() - started)
            for work_list in WORKLISTS.values() if lists is None else lists:
                OVERDUE.labels(work_list.id).set(await self.engine.overdue(session, work_list, today()))
        REFRESHED.set_to_current_time()

    async def _changed_tables(self) -> set[str]:
        async with self._sessions() as session:
            rows = (await session.exec(text(
                "SELECT source_table, changed_seq FROM source_changes WHERE changed_seq > :seen"
            ).bindparams(seen=self._seen_seq))).all()
        self._seen_seq = max([self._seen_seq, *(seq for _, seq in rows)])
        return {table for table, _ in rows}

    async def _changed_kpis(self) -> list[Kpi]:
        return affected_by(await self._changed_tables())

    async def run(self) -> None:
        everything = True
        while True:
            try:
                changed = await self._changed_tables()  # read before computing: a change after it is seen next time
                if everything:
                    await self.refresh()
                else:
                    await self.refresh(affected_by(changed), lists_affected_by(changed))
            except Exception:
                log.exception("refreshing KPI gauges failed")
            try:
                await asyncio.wait_for(self._changed.wait(), self._refresh_seconds)
                everything = False
                await asyncio.sleep(self._settle_seconds)  # a burst of batches: one refresh
            except TimeoutError:
                everything = True  # the date moves on: every KPI
            self._changed.clear()
