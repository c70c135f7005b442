"""Projection writes that tolerate duplicate and out-of-order delivery."""

import sqlalchemy as sa
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


# A withdrawn record (a case system's "entered in error") leaves the projection, and its version is kept here
# (a tombstone), so that an older state of it delivered late cannot bring it back.
WITHDRAWN = sa.table("withdrawn_records", sa.column("table_name"), sa.column("record_id"), sa.column("record_version"))


def _key(table: Table) -> sa.Column:
    (column,) = table.primary_key.columns  # every projection has a one-column key
    return column


async def withdrawn_versions(session: AsyncSession, table: Table, ids: list[str]) -> dict[str, int]:
    # One array parameter, not one parameter per id: a replay batch asks about thousands at once.
    rows = await session.exec(sa.select(WITHDRAWN.c.record_id, WITHDRAWN.c.record_version).where(
        WITHDRAWN.c.table_name == table.name,
        WITHDRAWN.c.record_id == sa.func.any(sa.cast(sa.literal(ids), sa.ARRAY(sa.String())))))
    return dict(rows.all())


async def apply_latest(session: AsyncSession, table: Table, row: dict, withdrawn: bool = False) -> None:
    """A record's state as an event states it, whatever the order of delivery: the highest record_version
    wins, and a withdrawal (the record's last version) removes it for good."""
    record_id, version = row[_key(table).name], row["record_version"]
    if (await withdrawn_versions(session, table, [record_id])).get(record_id, -1) >= version:
        return  # withdrawn at this version or later: an older state arriving late changes nothing
    if not withdrawn:
        await upsert_latest(session, table, row)
        return
    await session.exec(sa.delete(table).where(_key(table) == record_id, table.c.record_version < version))
    statement = insert(WITHDRAWN).values(table_name=table.name, record_id=record_id, record_version=version)
    await session.exec(statement.on_conflict_do_update(
        index_elements=["table_name", "record_id"], set_={"record_version": sa.func.greatest(
            WITHDRAWN.c.record_version, statement.excluded.record_version)}))


def latest_states(table: Table, states: list[tuple[dict, bool]]) -> tuple[list[dict], set[str]]:
    """Of many states of ``table``'s records (row, is a withdrawal), in any order and with repeats: each record's
    highest version (one statement may touch a row once), and the ids of those that are withdrawals."""
    key = _key(table).name
    latest: dict[str, tuple[dict, bool]] = {}
    for row, withdrawal in states:
        kept = latest.get(row[key])
        if kept is None or kept[0]["record_version"] < row["record_version"]:
            latest[row[key]] = (row, withdrawal)
    return [row for row, _ in latest.values()], {record_id for record_id, (_, w) in latest.items() if w}


async def apply_latest_many(session: AsyncSession, table: Table, rows: list[dict], withdrawn: set[str]) -> None:
    """apply_latest for many records of ``table`` (at most one row each); ``withdrawn``: the ids of those rows
    that are withdrawals. The tombstones are read in one statement, the upserts go in one, the withdrawals in two."""
    key = _key(table).name
    tombstones = await withdrawn_versions(session, table, [r[key] for r in rows])
    newer = [r for r in rows if tombstones.get(r[key], -1) < r["record_version"]]
    await upsert_latest_many(session, table, [r for r in newer if r[key] not in withdrawn])
    gone = [r for r in newer if r[key] in withdrawn]
    if not gone:
        return
    ids, versions = [r[key] for r in gone], [r["record_version"] for r in gone]
    await session.exec(sa.text(
        f"DELETE FROM {table.name} AS t USING unnest(CAST(:ids AS text[]), CAST(:versions AS int[])) AS w(id, version) "
        f"WHERE t.{key} = w.id AND t.record_version < w.version").bindparams(ids=ids, versions=versions))
    await session.exec(sa.text(
        "INSERT INTO withdrawn_records (table_name, record_id, record_version) "
        "SELECT :table, * FROM unnest(CAST(:ids AS text[]), CAST(:versions AS int[])) "
        "ON CONFLICT (table_name, record_id) DO UPDATE "
        "SET record_version = greatest(withdrawn_records.record_version, excluded.record_version)"
    ).bindparams(table=table.name, ids=ids, versions=versions))
