"""Housekeeping prunes published outbox rows, idempotency keys, processed-event ids, refused-attempt counts and
spent client assertions past their retention, and nothing younger, and never an outbox row not yet published."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from backbone.db import create_engine, session_factory
from backbone.housekeeping import Housekeeping
from backbone.settings import to_asyncpg_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def sessions(make_database):
    engine = create_engine(to_asyncpg_url(make_database("placements", "backbone_housekeeping")))
    yield session_factory(engine)
    await engine.dispose()


async def test_only_what_is_past_its_retention_is_pruned(sessions):
    async with sessions() as session, session.begin():
        for n, (published, created) in enumerate([("now() - interval '8 days'", "now() - interval '9 days'"),
                                                  ("now() - interval '1 day'", "now() - interval '9 days'"),
                                                  ("NULL", "now() - interval '60 days'")]):
            await session.exec(text(
                f"INSERT INTO outbox (id, topic, event_type, subject, data, created_at, published_at) "
                f"VALUES (gen_random_uuid(), 'placements', 't', 'c{n}', '{{}}', {created}, {published})"))
        for key, age in (("old", "31 days"), ("young", "1 day")):
            await session.exec(text(
                "INSERT INTO idempotency_keys (client_id, key, request_fingerprint, status_code, response, created_at) "
                f"VALUES ('c', '{key}', 'f', 201, '{{}}', now() - interval '{age}')"))
    keep = Housekeeping(sessions, {"outbox": timedelta(days=7), "idempotency_keys": timedelta(days=30),
                                   "processed_events": timedelta(days=30)}, interval_seconds=3600)
    # Outbox: the row published 8 days ago goes; the one published yesterday and the unpublished one stay.
    assert await keep.run_once() == {"idempotency_keys": 1, "outbox": 1}
    async with sessions() as session:
        outbox = (await session.exec(text("SELECT subject FROM outbox ORDER BY subject"))).all()
        keys = (await session.exec(text("SELECT key FROM idempotency_keys"))).all()
    assert [s for (s,) in outbox] == ["c1", "c2"] and [k for (k,) in keys] == ["young"]


async def test_refused_attempt_counts_and_expired_assertions_are_pruned(sessions):
    async with sessions() as session, session.begin():
        for source, age in (("192.0.2.1", "31 days"), ("192.0.2.2", "1 day")):
            await session.exec(text(
                "INSERT INTO refused_attempts (minute, source, resource, status, attempts) "
                f"VALUES (date_trunc('minute', now() - interval '{age}'), '{source}', '/children/{{child_id}}', 401, 7)"))
        for jti, expires in (("spent", "now() - interval '1 second'"), ("live", "now() + interval '4 minutes'")):
            await session.exec(text(
                f"INSERT INTO used_assertions (client_id, jti, expires_at) VALUES ('c', '{jti}', {expires})"))
    keep = Housekeeping(sessions, {"refused_attempts": timedelta(days=30), "used_assertions": timedelta(0)},
                        interval_seconds=3600)
    # A live assertion's jti stays (a replay is refused until it expires); a spent one's goes.
    assert await keep.run_once() == {"refused_attempts": 1, "used_assertions": 1}
    async with sessions() as session:
        sources = (await session.exec(text("SELECT source FROM refused_attempts"))).all()
        jtis = (await session.exec(text("SELECT jti FROM used_assertions"))).all()
    assert [s for (s,) in sources] == ["192.0.2.2"] and [j for (j,) in jtis] == ["live"]
