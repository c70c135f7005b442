"""Month-end values of every KPI, kept in ``kpi_history`` and recomputed for exactly the months a change can
affect: applying an event notes, per projection table, the earliest date it touched (``source_changes``);
a KPI's value as of D depends only on records dated on or before D, so the months to recompute are those
ending on or after that date. A replay or a bulk import notes its tables the same way, so the history is
complete after either without a manual step. New month-ends are added as the calendar moves on."""

import asyncio
import json
import logging
from dataclasses import asdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

from backbone.clock import today
from backbone.db import Sessions

from indicators_service.calendars import FIRST_DAY
from indicators_service.kpis.definition import Kpi
from indicators_service.kpis.engine import KpiEngine
from indicators_service.kpis.registry import KPIS

log = logging.getLogger(__name__)

_ONE_REPLICA = "SELECT pg_try_advisory_lock(hashtext('kpi_history'))"


def month_end(day: date) -> date:
    return day + relativedelta(day=31)


def last_complete_month_end(now: date) -> date:
    return now if month_end(now) == now else now.replace(day=1) - timedelta(days=1)


def month_ends(first: date, last: date) -> list[date]:
    ends, end = [], month_end(first)
    while end <= last:
        ends.append(end)
        end = month_end(end + timedelta(days=1))
    return ends


class History:
    def __init__(self, sessions: Sessions, engine: KpiEngine, idle_seconds: float = 60.0):
        self._sessions = sessions
        self._engine = engine
        self._idle_seconds = idle_seconds
        self.changed = asyncio.Event()

    async def stale_months(self) -> tuple[dict[str, list[date]], dict[str, int]]:
        """Per KPI, the month-ends to (re)compute; and the change marks read, to clear once they are done."""
        async with self._sessions() as session:
            changes = (await session.exec(text(
                "SELECT source_table, changed_seq, earliest, history_from FROM source_changes"))).all()
            computed = dict((await session.exec(text(
                "SELECT kpi_id, max(month_end) FROM kpi_history GROUP BY kpi_id"))).all())
        by_table = {c.source_table: c for c in changes}
        last = last_complete_month_end(today())
        todo: dict[str, list[date]] = {}
        for kpi in KPIS.values():
            read = [by_table[t] for t in kpi.sources if t in by_table]
            if not read:
                continue
            starts = [c.history_from for c in read if c.history_from]
            newest = computed.get(kpi.id)
            # Never computed (a new KPI): from the earliest record; else the new month-ends since the last run.
            starts.append(min(c.earliest for c in read) if newest is None else newest + timedelta(days=1))
            todo[kpi.id] = month_ends(max(min(starts), FIRST_DAY), last)
        return todo, {c.source_table: c.changed_seq for c in changes if c.history_from}

    async def recompute(self, kpi: Kpi, months: list[date]) -> None:
        async with self._sessions() as session, session.begin():
            for as_of in months:
                value = await self._engine.value(session, kpi, as_of)
                if value.gap:  # no figure for that month (its calendar does not cover it): none is stored
                    continue
                breakdown = {group: asdict(f) for group, f in value.breakdown.items()} if value.breakdown else None
                await session.exec(text("""
                    INSERT INTO kpi_history (kpi_id, month_end, value, numerator, denominator, reported_separately, breakdown)
                    VALUES (:kpi, :month_end, :value, :numerator, :denominator, :separately, CAST(:breakdown AS jsonb))
                    ON CONFLICT (kpi_id, month_end) DO UPDATE SET value = excluded.value, numerator = excluded.numerator,
                        denominator = excluded.denominator, reported_separately = excluded.reported_separately,
                        breakdown = excluded.breakdown, computed_at = now()
                """).bindparams(kpi=kpi.id, month_end=as_of, value=value.value, numerator=value.numerator,
                                denominator=value.denominator, separately=value.reported_separately,
                                breakdown=json.dumps(breakdown) if breakdown else None))

    async def refresh(self) -> int:
        """Bring the history up to date; returns the number of KPI month-ends computed. One replica at a time."""
        async with self._sessions() as lock_session:
            if not (await lock_session.exec(text(_ONE_REPLICA))).scalar():
                return 0
            try:
                todo, marks = await self.stale_months()
                for kpi_id, months in todo.items():
                    await self.recompute(KPIS[kpi_id], months)
                async with self._sessions() as session, session.begin():
                    for table, seq in marks.items():  # a change noted meanwhile keeps its mark for the next run
                        await session.exec(text(
                            "UPDATE source_changes SET history_from = NULL WHERE source_table = :t AND changed_seq = :s"
                        ).bindparams(t=table, s=seq))
                return sum(len(m) for m in todo.values())
            finally:
                await lock_session.exec(text("SELECT pg_advisory_unlock(hashtext('kpi_history'))"))

    async def run(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception:
                log.exception("updating the KPI history failed; trying again")
            try:
                await asyncio.wait_for(self.changed.wait(), self._idle_seconds)
            except TimeoutError:
                pass
            self.changed.clear()
            await asyncio.sleep(1)  # let a burst of events settle into one recompute
