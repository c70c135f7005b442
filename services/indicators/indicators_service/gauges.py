"""Prometheus gauges of every KPI as of today, refreshed after events are applied and as the date moves on."""

import asyncio
import logging

from prometheus_client import Gauge

from backbone.clock import today
from backbone.db import Sessions

from indicators_service.kpis import KpiContext, compute_all
from indicators_service.targets import Target

log = logging.getLogger(__name__)

# One series per KPI id; the label is the KPI id only, never anything about a child.
VALUE = Gauge("cla_kpi_value", "KPI value as of today (percent, count or rate)", ["kpi"])
NUMERATOR = Gauge("cla_kpi_numerator", "KPI numerator (the count, for count KPIs)", ["kpi"])
DENOMINATOR = Gauge("cla_kpi_denominator", "KPI denominator (percent and rate KPIs)", ["kpi"])
TARGET = Gauge("cla_kpi_target", "The council's target for the KPI (configured)", ["kpi"])
BREACHING = Gauge("cla_kpi_breaching_target", "1 when the KPI is worse than its target, 0 when not (NaN: no data)", ["kpi"])
REFRESHED = Gauge("cla_kpi_refreshed_timestamp_seconds", "When the KPI gauges were last computed (stale-data alert)")


class KpiGauges:
    def __init__(self, sessions: Sessions, context: KpiContext, refresh_seconds: float, targets: dict[str, Target]):
        self.context = context
        self.targets = targets
        for kpi, target in targets.items():
            TARGET.labels(kpi).set(target.value)
        self._sessions = sessions
        self._refresh_seconds = refresh_seconds
        self._changed = asyncio.Event()

    async def events_applied(self) -> None:
        self._changed.set()

    async def refresh(self) -> None:
        async with self._sessions() as session:
            for kpi in await compute_all(session, today(), self.context):
                # NaN marks "no data" (denominator 0): Grafana shows it as empty, not as 0%.
                VALUE.labels(kpi.id).set(float("nan") if kpi.value is None else kpi.value)
                NUMERATOR.labels(kpi.id).set(kpi.numerator if kpi.numerator is not None else float("nan"))
                DENOMINATOR.labels(kpi.id).set(kpi.denominator if kpi.denominator is not None else float("nan"))
                if kpi.id in self.targets:
                    breached = self.targets[kpi.id].breached_by(kpi.value)
                    BREACHING.labels(kpi.id).set(float("nan") if breached is None else float(breached))
        REFRESHED.set_to_current_time()

    async def run(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception:
                log.exception("refreshing KPI gauges failed")
            try:
                await asyncio.wait_for(self._changed.wait(), self._refresh_seconds)
            except TimeoutError:
                pass
            self._changed.clear()
