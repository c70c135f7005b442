"""The monthly Corporate Parenting Board report: per domain, every KPI in the registry with its figure,
numerator and denominator, a 12-month trend, its target and benchmarks with red/amber/green, its breakdown,
and the month's biggest changes called out; how many children each work list had overdue (a count, no child
named). HTML for the browser, the same page as PDF for the papers."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from indicators_service.kpis.definition import Kpi, Unit, WorkList
from indicators_service.kpis.engine import KpiEngine, KpiValue
from indicators_service.kpis.history import month_end
from indicators_service.kpis.registry import KPIS, WORKLISTS
from indicators_service.reports.charts import trend_svg
from indicators_service.targets import Target

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
DOMAIN_TITLES = {"placements": "Placements", "health": "Health", "education": "Education", "leaving-care": "Leaving care"}
CHANGES_CALLED_OUT = 3


@dataclass
class KpiSection:
    kpi: Kpi
    figure: KpiValue
    previous: float | None  # the month before's value
    trend: list[tuple[date, float | None]]
    target: Target | None
    chart: str = ""

    @property
    def change(self) -> float | None:
        if self.figure.value is None or self.previous is None:
            return None
        return round(self.figure.value - self.previous, 1)

    @property
    def relative_change(self) -> float:
        """For ranking the month's changes: points for a percentage, a share of last month for the rest."""
        if self.change is None:
            return 0.0
        if self.kpi.unit is Unit.PERCENT:
            return abs(self.change) / 100
        return abs(self.change) / abs(self.previous) if self.previous else 0.0

    @property
    def rag(self) -> str | None:
        return self.target.rag(self.figure.value) if self.target else None


@dataclass
class BoardReport:
    month: str  # YYYY-MM
    as_of: date
    earliest: date | None  # the earliest record held: before it there is nothing to report
    domains: dict[str, list[KpiSection]] = field(default_factory=dict)
    overdue: list[tuple[WorkList, int]] = field(default_factory=list)  # each work list, its items overdue on as_of

    @property
    def has_data(self) -> bool:
        return self.earliest is not None and self.earliest <= self.as_of

    @property
    def biggest_changes(self) -> list[KpiSection]:
        sections = [s for ss in self.domains.values() for s in ss if s.change]
        return sorted(sections, key=lambda s: s.relative_change, reverse=True)[:CHANGES_CALLED_OUT]


def _twelve_month_ends(as_of: date) -> list[date]:
    """The 12 months ending with the report's (the last point is the report's as-of date)."""
    return [month_end(as_of - relativedelta(months=n)) for n in range(11, 0, -1)] + [as_of]


async def build(session: AsyncSession, engine: KpiEngine, targets: dict[str, Target], month: date,
                as_of: date) -> BoardReport:
    earliest = (await session.exec(text("SELECT min(earliest) FROM source_changes"))).scalar()
    report = BoardReport(month.strftime("%Y-%m"), as_of, earliest)
    if not report.has_data:
        return report
    points = _twelve_month_ends(as_of)
    stored = (await session.exec(text(
        "SELECT kpi_id, month_end, value FROM kpi_history WHERE month_end = ANY(:months)"
    ).bindparams(bindparam("months", value=points[:-1])))).all()
    history = {(row.kpi_id, row.month_end): row.value for row in stored}
    for kpi in KPIS.values():
        figure = await engine.value(session, kpi, as_of)
        trend = []
        for point in points[:-1]:
            if (kpi.id, point) not in history:  # the history is catching up (just after a replay): compute it
                history[(kpi.id, point)] = (await engine.value(session, kpi, point)).value
            trend.append((point, history[(kpi.id, point)] if point >= earliest else None))
        trend.append((as_of, figure.value))
        section = KpiSection(kpi, figure, trend[-2][1], trend, targets.get(kpi.id))
        section.chart = trend_svg(trend, kpi.unit.value, section.target.value if section.target else None, kpi.title)
        report.domains.setdefault(kpi.domain, []).append(section)
    report.overdue = [(work_list, await engine.overdue(session, work_list, as_of)) for work_list in WORKLISTS.values()]
    return report


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "mean_days":
        return f"{value:,.0f} days"
    return f"{value:,.1f}" if unit == "rate_per_10k" else f"{value:,.0f}"


def _change(section: KpiSection) -> str:
    if section.change is None:
        return ""
    sign = "+" if section.change > 0 else ""
    if section.kpi.unit is Unit.PERCENT:
        return f"{sign}{section.change:.1f} points"
    return f"{sign}{section.change:,.0f}" if section.kpi.unit is Unit.COUNT else f"{sign}{section.change:,.1f}"


def render_html(report: BoardReport, generated: date) -> str:
    template = TEMPLATES.get_template("board.html")
    return template.render(report=report, titles=DOMAIN_TITLES, number=_number, change=_change, generated=generated)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: only the PDF needs it (and its Pango libraries)

    return HTML(string=html).write_pdf()


def parse_month(month: str, today: date) -> tuple[date, date]:
    """(first day, as-of date) for YYYY-MM: the month's last day, or today for the current month.
    Raises ValueError with the reason for a malformed or future month."""
    try:
        year, number = month.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError
        first = date(int(year), int(number), 1)
    except ValueError:
        raise ValueError("must be a month as YYYY-MM, e.g. 2026-03") from None
    if first > today:
        raise ValueError("must not be in the future: the report covers what has happened")
    if first.year < 1990:
        raise ValueError("must be 1990-01 or later")
    return first, min(month_end(first), today)


def last_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
