"""Replay is atomic: killed half-way it leaves the live KPIs untouched; run again, it swaps in the same ones,
with the live tables' names and index names, while the live service keeps serving."""

import asyncio
from datetime import timedelta

import asyncpg
import pytest

from backbone.clock import today
from backbone.rebuild import SCHEMA, RebuildRefused, rebuild
from backbone.settings import to_asyncpg_url
from devstack import demo
from devstack.partners import Partner
from indicators_service.projections import REBUILT_TABLES, TOPICS, apply_event, apply_events

pytestmark = pytest.mark.integration


async def fetch(url: str, sql: str) -> list:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await connection.fetch(sql)]
    finally:
        await connection.close()


INDEXES = "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"


async def test_a_killed_replay_leaves_the_live_kpis_and_a_rerun_swaps_in_the_same(stack):
    urls = {s: stack.url(s) for s in ("placements", "health", "education", "leaving_care")}
    if not await asyncio.to_thread(demo.is_loaded, urls, 12):
        await asyncio.to_thread(demo.load, urls, today(), 12, 77)
    kpis = Partner(stack.url("indicators"), "performance-team")
    dates = [today().isoformat(), (today() - timedelta(days=200)).isoformat()]

    def read_kpis():
        return [kpis.get("/kpis", as_of=d).json() for d in dates]

    await asyncio.to_thread(stack.wait_until_applied)  # the live KPIs hold everything on the topics
    before = await asyncio.to_thread(read_kpis)
    database = stack.owner_urls["indicators"]  # a replay runs as the owner: it swaps tables
    indexes_before = await fetch(database, INDEXES)
    batches = 0

    async def killed_after_two_batches(session, events):
        nonlocal batches
        batches += 1
        if batches > 2:
            raise asyncio.CancelledError  # as if the process were stopped half-way
        await apply_events(session, events)

    arguments = dict(database_url=to_asyncpg_url(database), bootstrap_servers=stack.bootstrap, topics=TOPICS,
                     tables=REBUILT_TABLES, handle=apply_event, batch_size=5)
    with pytest.raises(asyncio.CancelledError):
        await rebuild(handle_batch=killed_after_two_batches, **arguments)
    half_built = await fetch(database, f"SELECT count(*) FROM {SCHEMA}.processed_events")
    assert 0 < half_built[0][0] <= 10  # the copies were half-way
    assert await asyncio.to_thread(read_kpis) == before  # the live ones were never touched

    read = await rebuild(handle_batch=apply_events, **arguments)
    assert read > 10
    after = await asyncio.to_thread(read_kpis)
    kpis.close()
    assert after == before
    assert any(k["denominator"] for k in after[0])  # the comparison covered real figures
    assert await fetch(database, INDEXES) == indexes_before  # same tables, same index names and definitions
    assert await fetch(database, f"SELECT 1 FROM pg_namespace WHERE nspname = '{SCHEMA}'") == []


async def test_a_rebuild_that_would_be_worse_than_the_live_tables_is_refused_and_changes_nothing(stack):
    urls = {s: stack.url(s) for s in ("placements", "health", "education", "leaving_care")}
    if not await asyncio.to_thread(demo.is_loaded, urls, 12):
        await asyncio.to_thread(demo.load, urls, today(), 12, 77)
    await asyncio.to_thread(stack.wait_until_applied)  # nothing still being applied as the count is read
    database = stack.owner_urls["indicators"]  # a replay runs as the owner: it swaps tables
    applied_before = await fetch(database, "SELECT count(*) FROM processed_events")
    arguments = dict(database_url=to_asyncpg_url(database), bootstrap_servers=stack.bootstrap, tables=REBUILT_TABLES,
                     handle=apply_event, handle_batch=apply_events)
    with pytest.raises(RebuildRefused, match="no such topic"):  # e.g. pointed at the wrong broker
        await rebuild(topics=[*TOPICS, "placement"], **arguments)
    with pytest.raises(RebuildRefused, match="Nothing was swapped"):  # a copy holding less than the live tables
        await rebuild(topics=["health"], **arguments)
    assert await fetch(database, "SELECT count(*) FROM processed_events") == applied_before
