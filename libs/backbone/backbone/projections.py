"""Projection writes that tolerate duplicate and out-of-order delivery."""

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlmodel.ext.asyncio.session import AsyncSession


async def upsert_latest(session: AsyncSession, table: Table, values: dict) -> None:
    """Insert a record's state, or replace the stored one only if this one has a higher record_version.

    Events carry the whole record as it now stands with its version, so an older event arriving late never
    overwrites a newer state, and a repeated one changes nothing.
    """
    keys = [c.name for c in table.primary_key.columns]
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in values if name not in keys},
        where=table.c.record_version < statement.excluded.record_version,
    )
    await session.exec(statement)


async def upsert_latest_many(session: AsyncSession, table: Table, rows: list[dict]) -> None:
    """upsert_latest for many records of ``table``: one statement, prepared once and executed for every row
    (asyncpg's executemany), which costs far less than compiling a statement per row."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
        where=table.c.record_version < statement.excluded.record_version,
    )
    await (await session.connection()).execute(statement, rows)
