"""Composition root. Run with `uvicorn --factory indicators_service.main:create_app`."""

from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from indicators_service.api import router
from indicators_service.calendars import SchoolDays, WorkingDays
from indicators_service.gauges import KpiGauges
from indicators_service.kpis import KPIS, KpiContext
from indicators_service.projections import TOPICS, apply_event
from indicators_service.settings import Settings
from indicators_service.targets import load_targets


def kpi_context(settings: Settings) -> KpiContext:
    working_days = WorkingDays()
    return KpiContext(
        working_days=working_days,
        school_days=SchoolDays.from_file(settings.term_dates_file, working_days),
        population_0_17=settings.population_0_17,
        pa_eligible_min_age_months=settings.pa_eligible_min_age_months,
        initial_pep_school_days=settings.initial_pep_school_days,
    )


def create_app(settings: Settings | None = None):
    settings = settings or Settings()
    runtime = ServiceRuntime(settings)
    targets = load_targets(settings.targets_file, set(KPIS))
    gauges = KpiGauges(runtime.sessions, kpi_context(settings), settings.metrics_refresh_seconds, targets)
    runtime.consume_events(TOPICS, apply_event, after_changes=gauges.events_applied).run_in_background(gauges.run)

    def configure(app):
        app.state.kpis = gauges
        app.include_router(router)

    # No child-level endpoints yet, hence no audit log to record refusals in.
    return create_service_app(runtime, "Indicators service", configure, audit_refusals=False)
