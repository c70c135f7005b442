"""Derives everything about a KPI from its one per-child query: the figure, its breakdown and the children
behind it are the same rows, aggregated or listed, so they can never disagree."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from indicators_service.calendars import SchoolCalendar
from indicators_service.kpis.definition import Kpi, Unit, WorkList
from indicators_service.kpis.registry import KPIS


def window_start(as_of: date) -> date:
    """First day of the 12 months ending on ``as_of``."""
    return as_of - relativedelta(years=1) + timedelta(days=1)


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: int
    denominator: int | None


@dataclass(frozen=True)
class KpiValue:
    id: str
    value: float | None
    numerator: int | None
    denominator: int | None
    as_of: date
    unit: str
    breakdown: dict[str, Figure] | None = None  # group -> the figure for the rows in that group
    reported_separately: int | None = None  # rows outside the denominator (the KPI's ``separately`` says what)
    tallies: dict[str, int] | None = None  # each of the KPI's tallies: its rows
    gap: str | None = None  # why there is no figure as of this date (a calendar that does not cover it)

    def as_json(self) -> dict:
        body = asdict(self)
        body["as_of"] = self.as_of.isoformat()
        for optional in ("breakdown", "reported_separately", "tallies", "gap"):
            if body[optional] is None:
                del body[optional]
        return body


class NotComputable(ValueError):
    """The KPI cannot be computed as of that date (its calendar does not cover it): the reason says why."""


class KpiEngine:
    def __init__(self, settings: dict[str, object], school_calendar: SchoolCalendar):
        """``settings``: the values KPIs may name in their ``settings`` (e.g. population_0_17);
        ``school_calendar``: what the term dates loaded into calendar_days cover."""
        self.settings = settings
        self.school_calendar = school_calendar

    def gap(self, kpi: Kpi, as_of: date) -> str | None:
        """Why ``kpi`` has no figure as of ``as_of`` (never an empty one computed from half a calendar), or None."""
        if kpi.school_days_look_back is None:
            return None
        first_needed = window_start(as_of) - timedelta(days=kpi.school_days_look_back)
        reason = self.school_calendar.gap(first_needed, as_of)
        return reason and f"{kpi.id} counts school days, and {reason}"

    def _statement(self, declared: Kpi | WorkList, sql: str, as_of: date, **extra):
        params = {"d": as_of, "window_start": window_start(as_of), **extra,
                  **{name: self.settings[name] for name in declared.settings}}
        used = {name: value for name, value in params.items() if f":{name}" in sql}
        # Typed dates: asyncpg is told they are dates, so the queries may do date arithmetic on them.
        dates = [bindparam(name, type_=Date) for name in ("d", "window_start") if name in used]
        return text(sql).bindparams(*dates, **used)

    def figure(self, kpi: Kpi, numerator: int, denominator: int, mean_days: float | None = None) -> Figure:
        if kpi.unit is Unit.MEAN_DAYS:
            return Figure(round(float(mean_days), 1) if denominator else None, numerator, denominator)
        if kpi.unit is Unit.PERCENT:
            return Figure(round(100 * numerator / denominator, 1) if denominator else None, numerator, denominator)
        if kpi.unit is Unit.RATE_PER_10K:
            population = int(self.settings[kpi.denominator_setting])
            return Figure(round(numerator / population * 10_000, 1) if population else None, numerator, population)
        return Figure(numerator, numerator, None)

    async def value(self, session: AsyncSession, kpi: Kpi, as_of: date) -> KpiValue:
        if reason := self.gap(kpi, as_of):
            return KpiValue(kpi.id, None, None, None, as_of, kpi.unit.value, gap=reason)
        counts = """count(*) FILTER (WHERE in_denominator) AS denominator,
                    count(*) FILTER (WHERE in_denominator AND in_numerator) AS numerator,
                    count(*) FILTER (WHERE NOT in_denominator) AS separately"""
        if kpi.unit is Unit.MEAN_DAYS:
            counts += ", avg(days) FILTER (WHERE in_denominator) AS mean_days"
        for tally in kpi.tallies:
            counts += f", count(*) FILTER (WHERE {tally}) AS {tally}"
        if kpi.breakdown:
            sql = f"""SELECT {kpi.breakdown}, grouping({kpi.breakdown}) = 1 AS total, {counts}
                      FROM ({kpi.query}) rows GROUP BY GROUPING SETS ((), ({kpi.breakdown}))"""
        else:
            sql = f"SELECT NULL, true AS total, {counts} FROM ({kpi.query}) rows"
        rows = (await session.exec(self._statement(kpi, sql, as_of))).all()
        total = next(row for row in rows if row.total)
        figure = self.figure(kpi, total.numerator, total.denominator, getattr(total, "mean_days", None))
        breakdown = None
        if kpi.breakdown:
            # A mix counts every row of the group over the whole population; otherwise the KPI within the group.
            breakdown = {str(row[0]): self.figure(kpi, row.denominator, total.denominator) if kpi.breakdown_of_total
                         else self.figure(kpi, row.numerator, row.denominator, getattr(row, "mean_days", None))
                         for row in sorted(rows, key=lambda r: str(r[0])) if not row.total}
        return KpiValue(kpi.id, figure.value, figure.numerator, figure.denominator, as_of, kpi.unit.value,
                        breakdown, total.separately if kpi.separately else None,
                        {tally: getattr(total, tally) for tally in kpi.tallies} or None)

    async def children(self, session: AsyncSession, kpi: Kpi, as_of: date) -> list[dict]:
        """The rows behind the figure: one per child (or per item, e.g. a period of care) in the population."""
        if reason := self.gap(kpi, as_of):
            raise NotComputable(reason)
        columns = "child_id, in_denominator, in_numerator, reason" + (f", {kpi.breakdown}" if kpi.breakdown else "")
        columns += ", days" if kpi.unit is Unit.MEAN_DAYS else ""
        sql = f"SELECT {columns} FROM ({kpi.query}) rows ORDER BY in_denominator DESC, in_numerator, child_id, reason"
        return [dict(row._mapping) for row in await session.exec(self._statement(kpi, sql, as_of))]

    async def all(self, session: AsyncSession, as_of: date) -> list[KpiValue]:
        return [await self.value(session, kpi, as_of) for kpi in KPIS.values()]

    async def work_list(self, session: AsyncSession, work_list: WorkList, as_of: date,
                        due_within: int | None = None) -> list[dict]:
        """The items open on ``as_of``, soonest due first: child_id, due_date, days_left (negative once
        overdue), overdue, reason. ``due_within``: only those due within that many days of it (and overdue)."""
        within = "" if due_within is None else "WHERE due_date <= CAST(:d AS date) + :due_within"
        sql = f"""SELECT child_id, due_date, due_date - CAST(:d AS date) AS days_left,
                         due_date < CAST(:d AS date) AS overdue, reason
                  FROM ({work_list.query}) items {within} ORDER BY due_date, child_id, reason"""
        extra = {} if due_within is None else {"due_within": due_within}
        return [dict(row._mapping) for row in await session.exec(self._statement(work_list, sql, as_of, **extra))]

    async def overdue(self, session: AsyncSession, work_list: WorkList, as_of: date) -> int:
        """How many of the list's items are past their due date on ``as_of``."""
        sql = f"SELECT count(*) FROM ({work_list.query}) items WHERE due_date < CAST(:d AS date)"
        return (await session.exec(self._statement(work_list, sql, as_of))).scalar()
