"""A withdrawn record leaves the KPIs for good: an older state of it delivered after the withdrawal (or in
the same replay batch) does not bring it back."""

import uuid
from datetime import date, datetime, timezone

import pytest

from backbone.events import Event
from indicators_service.kpis.registry import KPIS
from indicators_service.projections import apply_event, apply_events, clear

pytestmark = pytest.mark.integration
D = date(2025, 3, 31)


def period(version: int, withdrawn: bool = False) -> Event:
    data = {"care_period_id": "cp-w", "child_id": "w1", "date_of_birth": "2012-01-01", "start_date": "2024-06-01",
            "end_date": None, "legal_status": "C2", "reason_ceased": None, "effective_date": "2024-06-01",
            "record_version": version, **({"withdrawn": True} if withdrawn else {})}
    return Event(str(uuid.uuid4()), "/test", "uk.cla.placements.child-entered-care.v1", "w1", datetime.now(timezone.utc), data)


async def cla(sessions, engine) -> int:
    async with sessions() as session:
        return (await engine.value(session, KPIS["cla_count"], D)).numerator


@pytest.mark.parametrize("order", [[1, 2, 1], [2, 1], [1, 2]], ids=["re-sent-after", "older-arrives-late", "in-order"])
async def test_one_by_one_in_any_order(sessions, engine, order):
    async with sessions() as session, session.begin():
        await clear(session)
    for version in order:
        async with sessions() as session, session.begin():
            await apply_event(session, period(version, withdrawn=version == 2))
    assert await cla(sessions, engine) == 0


async def test_in_replay_batches(sessions, engine):
    async with sessions() as session, session.begin():
        await clear(session)
        await apply_events(session, [period(2, withdrawn=True), period(1)])  # one batch
    assert await cla(sessions, engine) == 0
    async with sessions() as session, session.begin():
        await apply_events(session, [period(1)])  # a later batch re-sends the older state
    assert await cla(sessions, engine) == 0
    async with sessions() as session, session.begin():
        await clear(session)
        await apply_events(session, [period(1)])
    assert await cla(sessions, engine) == 1  # and without the withdrawal it counts
