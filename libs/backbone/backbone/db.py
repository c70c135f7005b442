"""Database engine and sessions (SQLModel over asyncpg)."""

import asyncio
import logging

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

Sessions = async_sessionmaker[AsyncSession]
log = logging.getLogger(__name__)


def create_engine(async_url: str, **options) -> AsyncEngine:
    # hide_parameters: a failed statement's parameters (a child's data) never reach a log or a traceback.
    return create_async_engine(async_url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True, **options)


def session_factory(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def reachable(sessions: Sessions, timeout: float = 2) -> bool:
    """True when the database answers a trivial query: tells a systemic failure from a bad record."""
    try:
        async with sessions() as session:
            await asyncio.wait_for(session.exec(select(literal(1))), timeout)
        return True
    except Exception as error:
        log.warning("database not reachable: %s", error)
        return False
