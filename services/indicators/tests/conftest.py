"""A migrated indicators database with the calendar loaded, and the engine as the service configures it; the
``facts`` fixture that feeds the KPI tests events as the domain services publish them."""

import functools
import itertools
import uuid
from datetime import date, datetime, timezone

import asyncpg
import pytest

from backbone.db import create_engine, session_factory
from backbone.events import Event
from backbone.settings import to_asyncpg_url
from event_contracts import validation_errors
from devstack.infra import run_blocking
from indicators_service.kpis.registry import KPIS, WORKLISTS
from indicators_service.main import calendar, kpi_engine, load_the_calendar
from indicators_service.projections import apply_event, clear
from indicators_service.settings import Settings

SETTINGS = Settings(database_url="postgresql://unused/x", environment="test")
D = date(2025, 3, 31)
_ids = itertools.count(1)


@functools.cache
def calendar_table() -> list[tuple]:
    return calendar(SETTINGS)


@pytest.fixture(scope="session")
def engine():
    return kpi_engine(SETTINGS)


@pytest.fixture(scope="session")
def kpi_template(make_database) -> str:
    """One indicators database migrated and with the calendar loaded, once per session: every test module's
    database is a copy of it (CREATE DATABASE ... TEMPLATE takes a fraction of a second, a migration seconds)."""
    url = make_database("indicators", "kpis_template")

    async def load() -> None:
        db = create_engine(to_asyncpg_url(url))
        try:
            await load_the_calendar(session_factory(db), SETTINGS, calendar_table())
        finally:
            await db.dispose()  # a template must have no connection open while it is copied

    run_blocking(load())
    return url.rsplit("/", 1)[-1]


@pytest.fixture(scope="session")
def kpi_database(kpi_template, database_server):
    """``make(name)``: a fresh indicators database with the calendar loaded; returns its URL."""

    async def make(name: str) -> str:
        connection = await asyncpg.connect(f"{database_server}/postgres")
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kpi_template}"')
        finally:
            await connection.close()
        return f"{database_server}/{name}"

    return make


@pytest.fixture(scope="module")
async def sessions(kpi_database, request):
    url = await kpi_database(f"kpis_{request.module.__name__.rsplit('.', 1)[-1]}")
    db = create_engine(to_asyncpg_url(url))
    yield session_factory(db)
    await db.dispose()


@pytest.fixture
async def facts(sessions, engine):
    async with sessions() as session, session.begin():
        await clear(session)
    return Facts(sessions, engine)


class Facts:
    """Posts events as the domain services would publish them, and reads KPIs through the engine. Each event
    is checked against its contract as a producer checks it (strictly) first: a KPI test cannot rest on an
    event no producer can publish."""

    def __init__(self, sessions, engine):
        self.sessions, self.engine = sessions, engine

    async def event(self, kind: str, data: dict, version: int = 1) -> None:
        event_type = f"uk.cla.{kind}.v{version}"
        if problems := validation_errors(event_type, data):
            raise AssertionError(f"no producer can publish this {event_type}: {'; '.join(problems)}")
        subject = data.get("child_id") or data["household_id"]  # a household's events are about no child
        event = Event(str(uuid.uuid4()), "/test", event_type, subject, datetime.now(timezone.utc), data)
        async with self.sessions() as session, session.begin():
            await apply_event(session, event)

    async def care_period(self, child, start, end=None, legal_status="C2", born="2012-01-01", version=1, period_id=None,
                          reason="E13"):
        period_id = period_id or f"cp{next(_ids)}"
        await self.event("placements.child-entered-care", {
            "care_period_id": period_id, "child_id": child, "date_of_birth": born, "start_date": start,
            "end_date": end, "legal_status": legal_status, "reason_ceased": reason if end else None,
            "effective_date": end or start, "record_version": version,
        })
        return period_id

    async def placement(self, child, start, end=None, placement_type="U1", carer=None, version=1, placement_id=None,
                        period="cp", provider="PR1", rne=None, **located):
        await self.event("placements.placement-started", {**located, "reason_new_episode": rne,
            "placement_id": placement_id or f"pl{next(_ids)}", "care_period_id": period, "child_id": child,
            "start_date": start, "end_date": end, "placement_type": placement_type, "provider": provider,
            "carer_id": carer, "effective_date": end or start, "record_version": version,
        })

    async def missing(self, child, start, end=None, kind="M", offered=None, held=None):
        await self.event("placements.missing-episode-recorded", {
            "episode_id": f"me{next(_ids)}", "child_id": child, "kind": kind, "start_date": start, "end_date": end,
            "rhi_offered_date": offered, "rhi_held_date": held, "effective_date": end or start, "record_version": 1,
        })

    async def social_worker(self, child, worker, start, end=None):
        await self.event("placements.social-worker-allocated", {
            "allocation_id": f"sw{next(_ids)}", "child_id": child, "worker_id": worker, "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1,
        })

    async def legal_status(self, child, period, start, legal_status):
        await self.event("placements.legal-status-changed", {
            "change_id": f"ls{next(_ids)}", "child_id": child, "care_period_id": period, "start_date": start,
            "legal_status": legal_status, "effective_date": start, "record_version": 1,
        })

    async def review(self, child, day):
        await self.event("placements.review-held", {
            "review_id": f"rv{next(_ids)}", "child_id": child, "review_date": day, "participation": None,
            "effective_date": day, "record_version": 1,
        })

    async def visit(self, child, day):
        await self.event("placements.visit-made", {
            "visit_id": f"vi{next(_ids)}", "child_id": child, "visit_date": day, "seen_alone": True,
            "effective_date": day, "record_version": 1,
        })

    async def conviction(self, child, day, outcome="conviction"):
        await self.event("placements.conviction-recorded", {
            "conviction_id": f"oc{next(_ids)}", "child_id": child, "outcome_date": day, "outcome": outcome,
            "effective_date": day, "record_version": 1,
        })

    async def adoption(self, child, period, placement_order=None, match=None):
        milestones = {"decision_date": None, "placement_order_date": placement_order, "match_date": match,
                      "placed_date": None, "adoption_order_date": None}
        await self.event("placements.adoption-recorded", {
            "adoption_id": f"ad{next(_ids)}", "child_id": child, "care_period_id": period, **milestones,
            "effective_date": max(d for d in milestones.values() if d), "record_version": 1,
        })

    async def _leaving_care(self, kind: str, data: dict) -> None:
        await self.event(f"leaving-care.{kind}", data)

    async def decision(self, child, status, day, reason=None, version=1, decision_id=None):
        """A care-leaver status decision, overriding the care history."""
        await self._leaving_care("care-leaver-status-recorded", {
            "status_id": decision_id or f"st{next(_ids)}", "child_id": child, "status": status, "reason": reason,
            "effective_date": day, "record_version": version})

    async def allocation(self, child, start, role="personal_adviser", end=None):
        await self._leaving_care("personal-adviser-allocated", {
            "allocation_id": f"al{next(_ids)}", "child_id": child, "role": role, "start_date": start,
            "end_date": end, "effective_date": end or start, "record_version": 1})

    async def contact(self, child, day, in_touch="YES"):
        await self._leaving_care("contact-recorded", {
            "contact_id": f"ct{next(_ids)}", "child_id": child, "contact_date": day, "in_touch": in_touch,
            "effective_date": day, "record_version": 1})

    async def accommodation(self, child, start, code):
        await self._leaving_care("accommodation-recorded", {
            "accommodation_id": f"ac{next(_ids)}", "child_id": child, "start_date": start, "accommodation": code,
            "effective_date": start, "record_version": 1})

    async def activity(self, child, start, code):
        await self._leaving_care("activity-recorded", {
            "activity_id": f"av{next(_ids)}", "child_id": child, "start_date": start, "activity": code,
            "effective_date": start, "record_version": 1})

    async def pathway_plan(self, child, day, kind="reviewed"):
        await self._leaving_care("pathway-plan-recorded", {
            "plan_id": f"pp{next(_ids)}", "child_id": child, "plan_date": day, "kind": kind,
            "effective_date": day, "record_version": 1})

    async def staying_put(self, child, start, end=None):
        await self._leaving_care("staying-put-recorded", {
            "arrangement_id": f"sp{next(_ids)}", "child_id": child, "start_date": start, "end_date": end,
            "effective_date": end or start, "record_version": 1})

    async def support_after_21(self, child, start, end=None, kind="request_for_support"):
        await self._leaving_care("continuing-support-recorded", {
            "support_id": f"su{next(_ids)}", "child_id": child, "kind": kind, "start_date": start, "end_date": end,
            "effective_date": end or start, "record_version": 1})

    async def kpi(self, kpi_id, as_of=D):
        """The figure, after checking it is its own drill-down aggregated: the two can never disagree."""
        async with self.sessions() as session:
            value = await self.engine.value(session, KPIS[kpi_id], as_of)
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        counted = [r for r in rows if r["in_denominator"]]
        assert value.numerator == sum(r["in_numerator"] for r in counted)
        if value.unit in ("percent", "mean_days"):
            assert value.denominator == len(counted)
        if value.unit == "mean_days" and counted:
            assert value.value == round(sum(r["days"] for r in counted) / len(counted), 1)
        return value

    async def children(self, kpi_id, as_of=D) -> dict[str, tuple]:
        async with self.sessions() as session:
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        return {r["child_id"]: (r["in_denominator"], r["in_numerator"], r["reason"]) for r in rows}

    async def rows(self, kpi_id, as_of=D) -> list[tuple]:
        """Every row behind the figure (a KPI over events, e.g. reviews, has several per child), sorted."""
        async with self.sessions() as session:
            rows = await self.engine.children(session, KPIS[kpi_id], as_of)
        return sorted((r["child_id"], r["in_numerator"], r["reason"]) for r in rows)

    async def work_list(self, list_id, as_of=D, due_within=None) -> list[tuple]:
        """(child_id, due date, days left, overdue, reason) per item, soonest first, after checking the overdue
        count (the board report's and the gauge's figure) is the overdue rows counted."""
        async with self.sessions() as session:
            rows = await self.engine.work_list(session, WORKLISTS[list_id], as_of, due_within)
            overdue = await self.engine.overdue(session, WORKLISTS[list_id], as_of)
        listed = [(r["child_id"], r["due_date"].isoformat(), r["days_left"], r["overdue"], r["reason"]) for r in rows]
        if due_within is None:
            assert overdue == sum(row[3] for row in listed)
        return listed
