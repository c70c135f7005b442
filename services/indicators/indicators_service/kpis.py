"""The KPIs, computed as of any date from the projections, following the national definitions.

Definitions and ids: ../shared/kpis.md (the KPI catalogue). "Window" is the 12 months ending on the as-of
date D, from D minus 12 months plus a day to D inclusive. A percentage with a denominator of 0 has no value.
"""

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from indicators_service.calendars import SchoolDays, WorkingDays

SHORT_BREAKS = ("V3", "V4")  # legal statuses of an agreed series of short breaks: outside "CLA at D"
TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")  # not moves (SSDA903 guidance)
IHA_WORKING_DAYS = 20


@dataclass(frozen=True)
class KpiValue:
    id: str
    value: float | None
    numerator: int | None
    denominator: int | None
    as_of: date
    unit: str  # "percent", "count" or "rate_per_10k"

    def as_json(self) -> dict:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


@dataclass(frozen=True)
class KpiContext:
    working_days: WorkingDays
    school_days: SchoolDays
    population_0_17: int
    pa_eligible_min_age_months: int
    initial_pep_school_days: int


def window_start(as_of: date) -> date:
    return as_of - relativedelta(years=1) + timedelta(days=1)


def percent(kpi_id: str, numerator: int, denominator: int, as_of: date) -> KpiValue:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return KpiValue(kpi_id, value, numerator, denominator, as_of, "percent")


async def _rows(session: AsyncSession, sql: str, **params):
    return (await session.exec(text(sql).bindparams(**params))).all()


# Children looked after on D: in a period of care that started on or before D and had not ended by D.
_CLA_AT_D = f"""
    SELECT DISTINCT child_id FROM care_periods
    WHERE start_date <= :d AND (end_date IS NULL OR end_date > :d)
      AND legal_status NOT IN {SHORT_BREAKS}
"""


async def cla_count(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    (count,) = (await _rows(session, f"SELECT count(*) FROM ({_CLA_AT_D}) cla", d=d))[0]
    return KpiValue("cla_count", count, count, None, d, "count")


async def cla_rate_per_10k(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    count = (await cla_count(session, d, ctx)).numerator
    rate = round(count / ctx.population_0_17 * 10_000, 1) if ctx.population_0_17 else None
    return KpiValue("cla_rate_per_10k", rate, count, ctx.population_0_17, d, "rate_per_10k")


async def placement_stability_3plus(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    """% of CLA at D with 3 or more placements in the window (the one current at its start counts).

    A placement is a continuous period with the same carers: temporary placements (T0-T4) are not counted,
    and consecutive placements with the same carer (e.g. a return after a temporary placement) are one.
    """
    rows = await _rows(
        session,
        f"""
        WITH cla AS ({_CLA_AT_D}),
        settled AS (
            SELECT child_id, placement_id, start_date, end_date,
                   CASE WHEN carer_id IS NOT NULL
                         AND carer_id = lag(carer_id) OVER (PARTITION BY child_id ORDER BY start_date, placement_id)
                        THEN 0 ELSE 1 END AS new_carer
            FROM placements
            WHERE placement_type NOT IN {TEMPORARY_PLACEMENTS} AND start_date <= :d
        ),
        numbered AS (
            SELECT *, sum(new_carer) OVER (PARTITION BY child_id ORDER BY start_date, placement_id) AS placement_number
            FROM settled
        )
        SELECT count(*) AS denominator, count(*) FILTER (WHERE placements >= 3) AS numerator
        FROM (
            SELECT cla.child_id, count(DISTINCT n.placement_number) AS placements
            FROM cla LEFT JOIN numbered n
              ON n.child_id = cla.child_id AND (n.end_date IS NULL OR n.end_date > :window_start)
            GROUP BY cla.child_id
        ) per_child
        """,
        d=d, window_start=window_start(d),
    )
    denominator, numerator = rows[0]
    return percent("placement_stability_3plus", numerator, denominator, d)


async def iha_within_20_working_days(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    """Of children whose IHA fell due in the window (20 working days after becoming looked after) and who
    were still looked after when it fell due or had it done: % with the IHA completed by the due date."""
    start = window_start(d)
    periods = await _rows(
        session,
        f"""
        SELECT p.start_date, p.end_date,
               (SELECT min(a.completed_date) FROM initial_health_assessments a
                 WHERE a.child_id = p.child_id AND a.completed_date >= p.start_date
                   AND (p.end_date IS NULL OR a.completed_date <= p.end_date)) AS completed
        FROM care_periods p
        WHERE p.legal_status NOT IN {SHORT_BREAKS} AND p.start_date BETWEEN :earliest AND :d
        """,
        earliest=start - timedelta(days=45), d=d,  # 20 working days never span more than 45 calendar days
    )
    numerator = denominator = 0
    for entered, left, completed in periods:
        due = ctx.working_days.add(entered, IHA_WORKING_DAYS)
        if not start <= due <= d:
            continue
        if (left is None or left > due) or completed is not None:
            denominator += 1
            numerator += completed is not None and completed <= due
    return percent("iha_within_20_working_days", numerator, denominator, d)


async def pep_initial_on_time(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    """% of initial PEPs due in the window completed within 10 school days of the Virtual School's notification."""
    start = window_start(d)
    notifications = await _rows(
        session,
        """
        SELECT n.notified_date, (SELECT min(p.completed_date) FROM initial_peps p WHERE p.notification_id = n.notification_id)
        FROM virtual_school_notifications n
        WHERE n.notified_date BETWEEN :earliest AND :d
        """,
        earliest=start - timedelta(days=120), d=d,  # covers a summer holiday before the 10 school days
    )
    numerator = denominator = 0
    for notified, completed in notifications:
        due = ctx.school_days.add(notified, ctx.initial_pep_school_days)
        if start <= due <= d:
            denominator += 1
            numerator += completed is not None and completed <= due
    return percent("pep_initial_on_time", numerator, denominator, d)


async def pa_allocated(session: AsyncSession, d: date, ctx: KpiContext) -> KpiValue:
    """% of care leavers (relevant and former relevant, under 26 while supported) and of eligible children
    aged 17 years 4 months or more, with an allocated personal adviser; while still looked after an
    allocated social worker also counts."""
    rows = await _rows(
        session,
        """
        WITH latest_status AS (
            SELECT DISTINCT ON (child_id) child_id, status FROM care_leaver_statuses
            WHERE effective_date <= :d ORDER BY child_id, effective_date DESC, record_version DESC, status_id
        ),
        birth AS (SELECT child_id, min(date_of_birth) AS date_of_birth FROM care_periods GROUP BY child_id),
        looked_after AS (
            SELECT DISTINCT child_id FROM care_periods WHERE start_date <= :d AND (end_date IS NULL OR end_date > :d)
        ),
        population AS (
            SELECT s.child_id, la.child_id IS NOT NULL AS looked_after
            FROM latest_status s JOIN birth b USING (child_id) LEFT JOIN looked_after la USING (child_id)
            WHERE (s.status IN ('relevant', 'former_relevant') AND b.date_of_birth > CAST(:d AS date) - interval '26 years')
               OR (s.status = 'eligible' AND b.date_of_birth <= CAST(:d AS date) - make_interval(months => :min_months))
        )
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM adviser_allocations a
            WHERE a.child_id = p.child_id AND a.start_date <= :d AND (a.end_date IS NULL OR a.end_date > :d)
              AND (a.role = 'personal_adviser' OR p.looked_after)
        ))
        FROM population p
        """,
        d=d, min_months=ctx.pa_eligible_min_age_months,
    )
    denominator, numerator = rows[0]
    return percent("pa_allocated", numerator, denominator, d)


KPIS: dict[str, Callable[[AsyncSession, date, KpiContext], Awaitable[KpiValue]]] = {
    f.__name__: f
    for f in (cla_count, cla_rate_per_10k, placement_stability_3plus, iha_within_20_working_days, pep_initial_on_time, pa_allocated)
}


async def compute(session: AsyncSession, kpi_id: str, d: date, ctx: KpiContext) -> KpiValue:
    return await KPIS[kpi_id](session, d, ctx)


async def compute_all(session: AsyncSession, d: date, ctx: KpiContext) -> list[KpiValue]:
    return [await f(session, d, ctx) for f in KPIS.values()]
