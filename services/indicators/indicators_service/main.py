"""Composition root. Run with `uvicorn --factory indicators_service.main:create_app`."""

from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from indicators_service.api import router
from indicators_service.reports.routes import router as reports
from indicators_service.calendars import SchoolCalendar, SchoolDays, WorkingDays, calendar_rows, load_calendar
from indicators_service.gauges import KpiGauges
from indicators_service.kpis.engine import KpiEngine
from indicators_service.kpis.history import History
from indicators_service.kpis.registry import KPIS, WORKLISTS
from indicators_service.projections import TOPICS, apply_event
from indicators_service.settings import Settings
from indicators_service.targets import load_targets


def kpi_engine(settings: Settings) -> KpiEngine:
    """The engine, with every setting a KPI may name (a KPI naming an unknown one fails here, at start-up)."""
    named = {name for kpi in KPIS.values() for name in (*kpi.settings, kpi.denominator_setting) if name}
    named |= {name for work_list in WORKLISTS.values() for name in work_list.settings}
    return KpiEngine({name: getattr(settings, name) for name in named}, SchoolCalendar.from_file(settings.term_dates_file))


def calendar(settings: Settings) -> list[tuple]:
    working_days = WorkingDays()
    return calendar_rows(working_days, SchoolDays.from_file(settings.term_dates_file, working_days))


async def load_the_calendar(sessions, settings: Settings, rows: list[tuple] | None = None) -> None:
    async with sessions() as session, session.begin():
        await load_calendar(session, rows or calendar(settings))


def create_app(settings: Settings | None = None):
    settings = settings or Settings()
    runtime = ServiceRuntime(settings)
    targets = load_targets(settings.targets_file, {k.id: k.direction.value for k in KPIS.values()})
    engine = kpi_engine(settings)
    gauges = KpiGauges(runtime.sessions, engine, settings.metrics_refresh_seconds, targets)
    history = History(runtime.sessions, engine)

    async def events_applied() -> None:
        await gauges.events_applied()
        history.changed.set()

    runtime.before_start(lambda: load_the_calendar(runtime.sessions, settings))
    runtime.consume_events(TOPICS, apply_event, after_changes=events_applied)
    runtime.run_in_background(gauges.run).run_in_background(history.run)

    def configure(app):
        app.state.engine = engine
        app.state.targets = targets
        app.state.kpis = gauges
        app.state.history = history
        app.include_router(router)
        app.include_router(reports)

    # A drill-down is audited when it happens (api.py), a refused one by the shared middleware (backbone.audit).
    return create_service_app(runtime, "Indicators service", configure)
