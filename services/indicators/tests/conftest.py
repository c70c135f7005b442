"""A migrated indicators database with the calendar loaded, and the engine as the service configures it."""

import functools

import pytest

from backbone.db import create_engine, session_factory
from backbone.settings import to_asyncpg_url
from indicators_service.main import calendar, kpi_engine, load_the_calendar
from indicators_service.settings import Settings

SETTINGS = Settings(database_url="postgresql://unused/x", environment="test")


@functools.cache
def calendar_table() -> list[tuple]:
    return calendar(SETTINGS)


@pytest.fixture(scope="session")
def engine():
    return kpi_engine(SETTINGS)


@pytest.fixture(scope="session")
def kpi_database(make_database):
    """``make(name)``: a fresh indicators database with the calendar loaded; returns its URL."""

    async def make(name: str) -> str:
        url = make_database("indicators", name)
        db = create_engine(to_asyncpg_url(url))
        try:
            await load_the_calendar(session_factory(db), SETTINGS, calendar_table())
        finally:
            await db.dispose()
        return url

    return make


@pytest.fixture(scope="module")
async def sessions(kpi_database, request):
    url = await kpi_database(f"kpis_{request.module.__name__.rsplit('.', 1)[-1]}")
    db = create_engine(to_asyncpg_url(url))
    yield session_factory(db)
    await db.dispose()
