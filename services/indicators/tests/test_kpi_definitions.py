"""The KPI definitions against a real PostgreSQL, fed through the same handler the consumer uses."""

import itertools
import uuid
from datetime import date, datetime, timezone

import pytest

from backbone.db import create_engine, session_factory
from backbone.events import Event
from backbone.settings import to_asyncpg_url
from indicators_service.kpis import compute
from indicators_service.main import kpi_context
from indicators_service.projections import apply_event, clear
from indicators_service.settings import Settings

pytestmark = pytest.mark.integration
D = date(2025, 3, 31)
_ids = itertools.count(1)


@pytest.fixture(scope="module")
async def sessions(make_database):
    url = make_database("indicators", "kpi_definitions")
    engine = create_engine(to_asyncpg_url(url))
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def facts(sessions):
    async with sessions() as session, session.begin():
        await clear(session)
    return Facts(sessions)


class Facts:
    """Posts events as the domain services would publish them."""

    context = kpi_context(Settings(database_url="postgresql://unused/x", environment="test"))

    def __init__(self, sessions):
        self.sessions = sessions

    async def event(self, kind: str, data: dict) -> None:
        event = Event(str(uuid.uuid4()), "/test", f"uk.cla.{kind}.v1", data["child_id"], datetime.now(timezone.utc), data)
        async with self.sessions() as session, session.begin():
            await apply_event(session, event)

    async def care_period(self, child, start, end=None, legal_status="C2", born="2012-01-01", version=1, period_id=None):
        period_id = period_id or f"cp{next(_ids)}"
        await self.event("placements.child-entered-care", {
            "care_period_id": period_id, "child_id": child, "date_of_birth": born, "start_date": start,
            "end_date": end, "legal_status": legal_status, "reason_ceased": "E13" if end else None,
            "effective_date": end or start, "record_version": version,
        })
        return period_id

    async def placement(self, child, start, end=None, placement_type="U1", carer=None, version=1, placement_id=None):
        await self.event("placements.placement-started", {
            "placement_id": placement_id or f"pl{next(_ids)}", "care_period_id": "cp", "child_id": child,
            "start_date": start, "end_date": end, "placement_type": placement_type, "provider": "PR1",
            "carer_id": carer, "effective_date": end or start, "record_version": version,
        })

    async def kpi(self, kpi_id, as_of=D):
        async with self.sessions() as session:
            return await compute(session, kpi_id, as_of, self.context)


async def test_cla_count_is_children_looked_after_on_the_date_except_short_breaks(facts):
    await facts.care_period("a", "2024-01-01")
    await facts.care_period("b", "2025-03-31")              # entered on D: looked after on D
    await facts.care_period("c", "2024-01-01", "2025-03-31")  # left on D: not looked after on D
    await facts.care_period("d", "2024-01-01", legal_status="V3")
    await facts.care_period("e", "2025-04-01")              # after D
    kpi = await facts.kpi("cla_count")
    assert (kpi.value, kpi.numerator) == (2, 2)


async def test_cla_rate_per_10k_uses_the_configured_population(facts):
    for n in range(7):
        await facts.care_period(f"r{n}", "2024-01-01")
    kpi = await facts.kpi("cla_rate_per_10k")
    assert kpi.value == round(7 / Settings.model_fields["population_0_17"].default * 10_000, 1)


async def test_stability_counts_placements_in_the_window_including_the_one_current_at_its_start(facts):
    # Three placements touching the window (1 April 2024 - 31 March 2025): counted.
    await facts.care_period("three", "2023-01-01")
    await facts.placement("three", "2023-01-01", "2024-06-01")
    await facts.placement("three", "2024-06-01", "2024-12-01")
    await facts.placement("three", "2024-12-01")
    # The first ended on the window's first day (moved that day): only two in the window.
    await facts.care_period("two", "2023-01-01")
    await facts.placement("two", "2023-01-01", "2024-04-01")
    await facts.placement("two", "2024-04-01", "2024-08-01")
    await facts.placement("two", "2024-08-01")
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)


async def test_temporary_placements_and_returns_to_the_same_carer_are_not_moves(facts):
    await facts.care_period("respite", "2024-05-01")
    await facts.placement("respite", "2024-05-01", "2024-07-01", carer="K1")
    await facts.placement("respite", "2024-07-01", "2024-07-08", placement_type="T1", carer="K9")
    await facts.placement("respite", "2024-07-08", "2024-10-01", carer="K1")
    await facts.placement("respite", "2024-10-01", carer="K2")
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.numerator, kpi.denominator) == (0, 1)  # carers K1 and K2: two placements


async def test_a_kpi_with_no_children_has_no_value_rather_than_zero(facts):
    kpi = await facts.kpi("placement_stability_3plus")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (None, 0, 0)


async def test_duplicate_and_out_of_order_events_do_not_change_the_kpi(facts):
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")
    await facts.care_period("late", "2024-01-01", version=1, period_id="cp-late")  # older state, arriving late
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")  # duplicate
    assert (await facts.kpi("cla_count")).value == 0


async def test_iha_timeliness_uses_twenty_working_days_and_the_national_population(facts):
    # Entered Fri 19 Dec 2025: due Wed 21 Jan 2026 after the Christmas bank holidays.
    await facts.care_period("on-time", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a1", "child_id": "on-time", "completed_date": "2026-01-21", "effective_date": "2026-01-21", "record_version": 1})
    await facts.care_period("late", "2025-12-19")
    await facts.event("health.initial-health-assessment-completed", {
        "assessment_id": "a2", "child_id": "late", "completed_date": "2026-01-22", "effective_date": "2026-01-22", "record_version": 1})
    await facts.care_period("not-done", "2025-12-19")
    # Left care before the IHA fell due and never had it: outside the population.
    await facts.care_period("left", "2025-12-19", end="2026-01-05")
    # Short breaks are not in the population.
    await facts.care_period("short-break", "2025-12-19", legal_status="V4")
    kpi = await facts.kpi("iha_within_20_working_days", as_of=date(2026, 2, 28))
    assert (kpi.numerator, kpi.denominator) == (1, 3)
    # On 20 January nothing had fallen due yet.
    assert (await facts.kpi("iha_within_20_working_days", as_of=date(2026, 1, 20))).denominator == 0


async def test_initial_pep_due_ten_school_days_after_the_virtual_school_was_notified(facts):
    for n, completed in enumerate(["2025-11-14", "2025-11-17", None]):
        child = f"pep{n}"
        await facts.event("education.virtual-school-notified", {
            "notification_id": f"n{n}", "child_id": child, "notified_date": "2025-10-24",
            "effective_date": "2025-10-24", "record_version": 1})
        if completed:
            await facts.event("education.initial-pep-completed", {
                "pep_id": f"p{n}", "notification_id": f"n{n}", "child_id": child, "completed_date": completed,
                "effective_date": completed, "record_version": 1})
    kpi = await facts.kpi("pep_initial_on_time", as_of=date(2025, 12, 31))
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 3, 33.3)


async def test_pa_allocated_covers_care_leavers_and_eligible_children_from_17_years_4_months(facts):
    async def young_person(child, born, status, looked_after, role=None):
        await facts.care_period(child, "2020-01-01", None if looked_after else "2024-06-01", born=born)
        await facts.event("leaving-care.care-leaver-status-recorded", {
            "status_id": f"s-{child}", "child_id": child, "status": status, "effective_date": "2024-01-01", "record_version": 1})
        if role:
            await facts.event("leaving-care.personal-adviser-allocated", {
                "allocation_id": f"al-{child}", "child_id": child, "role": role, "start_date": "2024-01-01",
                "end_date": None, "effective_date": "2024-01-01", "record_version": 1})

    await young_person("leaver-with-pa", "2006-01-01", "former_relevant", False, "personal_adviser")
    await young_person("leaver-without", "2006-01-01", "former_relevant", False)
    await young_person("leaver-with-sw-only", "2006-01-01", "former_relevant", False, "social_worker")
    await young_person("eligible-with-sw", "2007-10-01", "eligible", True, "social_worker")  # 17y5m on D
    await young_person("eligible-too-young", "2008-01-01", "eligible", True)  # 17y2m on D: not counted
    kpi = await facts.kpi("pa_allocated")
    assert (kpi.numerator, kpi.denominator) == (2, 4)
