"""The write path on bare asyncpg: load a child's records, let a command change them in memory, store what
changed in one transaction. Single requests and bulk take the same path; only the number of children differs.

A command is a plain function ``(file, changes, *args) -> (status, record as JSON)``: it reads the child's
file (the service's records of that child, loaded in one go), checks its rules, changes records in memory and
notes them in ``changes`` (``save`` for a record, ``publish`` for its event). It does no I/O, so the same
command serves one HTTP request or a batch of thousands without a round trip per record.

``store`` then writes everything noted with one statement per table (an upsert by primary key, or a plain
insert for the append-only outbox, audit log and idempotency keys), in the caller's transaction. Rows come
from dataclasses whose fields are the table's columns (``Row``). Serialising writes per child is the caller's
job (``lock_children``): the rules' "check, then store" must not interleave with another write.
"""

import dataclasses
import functools
import json
import operator
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import ClassVar

import asyncpg

import event_contracts
from backbone.audit import sanitised
from backbone.events import topic_for
from backbone.outbox import ContractViolation


@dataclasses.dataclass(slots=True)
class Row:
    """A row of a table; the dataclass fields are its columns. ``KEY``: the primary key column(s)."""

    TABLE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]]

    def identity(self) -> tuple:
        return (self.TABLE, *(getattr(self, k) for k in self.KEY))

    def as_json(self) -> dict:
        return {name: _json_value(getattr(self, name)) for name in columns(type(self))}


@functools.cache
def columns(kind: type) -> tuple[str, ...]:
    """A row class's columns, in order (dataclasses.fields is too slow to call per row in a batch)."""
    return tuple(f.name for f in dataclasses.fields(kind))


def select_all(kind: type[Row]) -> str:
    """SELECT of every column of ``kind``'s table, to add a WHERE to."""
    return f"SELECT {', '.join(columns(kind))} FROM {kind.TABLE}"


def _json_value(value):
    return value.isoformat() if isinstance(value, (date, datetime, time)) else value


@dataclasses.dataclass(slots=True)
class OutboxRow(Row):
    TABLE = "outbox"
    KEY = ("id",)
    id: uuid.UUID
    topic: str
    event_type: str
    subject: str
    data: str  # JSON text (the column is jsonb)


@dataclasses.dataclass(slots=True)
class AuditRow(Row):
    TABLE = "audit_log"
    KEY = ("id",)
    client_id: str
    action: str
    resource: str
    child_id: str | None
    purpose: str | None
    outcome: str = "ok"


@dataclasses.dataclass(slots=True)
class IdempotencyRow(Row):
    TABLE = "idempotency_keys"
    KEY = ("client_id", "key")
    client_id: str
    key: str
    request_fingerprint: str
    status_code: int
    response: str  # JSON text (the column is jsonb)


class Changes:
    """What a transaction will write: records (the last state of each wins) and appended rows, in order."""

    def __init__(self):
        self.saved: dict[tuple, Row] = {}
        self.appended: list[Row] = []
        self.events = 0

    def save(self, record: Row) -> None:
        self.saved[record.identity()] = record

    def publish(self, event_type: str, subject: str, data: dict) -> None:
        """Stage an event: it is published only if this transaction commits (the outbox relay sends it)."""
        problems = event_contracts.validation_errors(event_type, data)
        if problems:
            raise ContractViolation(f"{event_type}: {'; '.join(problems)}")
        self.appended.append(OutboxRow(uuid.uuid4(), topic_for(event_type), event_type, subject, json.dumps(data)))
        self.events += 1

    def audit(self, client_id: str, action: str, resource: str, child_id: str | None, purpose: str | None) -> None:
        self.appended.append(AuditRow(client_id, action, resource, child_id, sanitised(purpose)))

    def answer(self, client_id: str, key: str, fingerprint: str, status: int, response: dict) -> None:
        """The answer given under an idempotency key, so a retry gets it again and changes nothing."""
        self.appended.append(IdempotencyRow(client_id, key, fingerprint, status, json.dumps(response)))

    def merge(self, other: "Changes") -> None:
        self.saved.update(other.saved)
        self.appended += other.appended
        self.events += other.events


def _insert(kind: type[Row], upsert: bool, first: int = 1) -> str:
    """INSERT of one row of ``kind`` with parameters from $first; an upsert by primary key when ``upsert``."""
    names = columns(kind)
    statement = (f"INSERT INTO {kind.TABLE} ({', '.join(names)}) "
                 f"VALUES ({', '.join(f'${n}' for n in range(first, first + len(names)))})")
    if upsert:
        statement += (f" ON CONFLICT ({', '.join(kind.KEY)}) DO UPDATE SET "
                      + ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in kind.KEY))
    return statement


@functools.cache
def _statement(groups: tuple[tuple[type[Row], bool], ...]) -> str:
    """One statement writing one row of each group: the last insert, the others as data-modifying WITH
    queries (one round trip instead of one per table; foreign keys are checked at the end of the statement)."""
    parts, first = [], 1
    for kind, upsert in groups:
        parts.append(_insert(kind, upsert, first))
        first += len(columns(kind))
    if len(parts) == 1:
        return parts[0]
    return "WITH " + ", ".join(f"w{n} AS ({part})" for n, part in enumerate(parts[:-1])) + " " + parts[-1]


@functools.cache
def _getter(kind: type[Row]) -> Callable[[Row], tuple]:
    names = columns(kind)
    getter = operator.attrgetter(*names)
    return getter if len(names) > 1 else lambda row: (getter(row),)


def _values(row: Row) -> tuple:
    return _getter(type(row))(row)


async def store(connection: asyncpg.Connection, changes: Changes, order: Iterable[type[Row]]) -> None:
    """Write ``changes`` in the caller's transaction: saved records by table in ``order`` (parents before the
    rows that refer to them), then the appended rows (events, audit, answers). A single request's changes
    (a row or so per table) go in one statement; a batch's in one executemany per table."""
    groups: dict[tuple[type[Row], bool], list[Row]] = {}
    for record in changes.saved.values():
        groups.setdefault((type(record), True), []).append(record)
    unknown = {kind for kind, _ in groups} - set(order)
    if unknown:
        raise TypeError(f"no place in the store order for {', '.join(k.__name__ for k in unknown)}")
    ordered = {(kind, True): groups[(kind, True)] for kind in order if (kind, True) in groups}
    for row in changes.appended:
        ordered.setdefault((type(row), False), []).append(row)
    if not ordered:
        return
    if all(len(rows) == 1 for rows in ordered.values()):
        await connection.execute(_statement(tuple(ordered)), *(v for rows in ordered.values() for v in _values(rows[0])))
        return
    for (kind, upsert), rows in ordered.items():
        await connection.executemany(_statement(((kind, upsert),)), [_values(row) for row in rows])


async def lock_children(connection: asyncpg.Connection, child_ids: Iterable[str]) -> None:
    """One write at a time per child until the transaction ends, taken in a fixed order (no deadlock
    between two batches that share children)."""
    ids = sorted(set(child_ids))
    if len(ids) == 1:
        await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"child:{ids[0]}")
    else:
        await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended('child:' || c, 0)) "
                                 "FROM unnest($1::text[]) AS c ORDER BY c", ids)


@functools.cache
def _date_columns(kind: type[Row]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.type in (date, date | None))


@functools.cache
def _rows_statement(kinds: tuple[type[Row], ...], key: str) -> str:
    return "SELECT " + ", ".join(
        f"(SELECT coalesce(json_agg(t), '[]') FROM ({select_all(kind)} WHERE {key} = ANY($1::text[])) t)"
        for kind in kinds)


async def subjects_rows(connection: asyncpg.Connection, kinds: tuple[type[Row], ...], key: str,
                        ids: list[str]) -> dict[type[Row], list]:
    """These subjects' rows of each of ``kinds`` (tables with a ``key`` column, e.g. child_id), in one round
    trip: each table as a JSON array in one statement, dates read back from their ISO text."""
    record = await connection.fetchrow(_rows_statement(kinds, key), ids)
    found: dict[type[Row], list] = {}
    for kind, text in zip(kinds, record):
        dates = _date_columns(kind)
        found[kind] = [kind(**{**item, **{c: date.fromisoformat(item[c]) for c in dates if item[c]}})
                       for item in json.loads(text)]
    return found


@dataclasses.dataclass(slots=True)
class File:
    """One subject's records (a child's, a foster household's), withdrawn ones included (the rules leave them
    out; their ids stay taken), by table. A write loads only the tables its command reads (``reads``): asking
    for another is a bug, and fails."""

    subject_id: str
    tables: dict[type[Row], list[Row]] = dataclasses.field(default_factory=dict)

    @property
    def child_id(self) -> str:
        return self.subject_id

    def rows(self, kind: type[Row]) -> list[Row]:
        try:
            return self.tables[kind]
        except KeyError:
            raise LookupError(f"{kind.__name__} rows were not loaded: add the table to the command's reads") from None

    def add(self, row: Row) -> None:
        self.rows(type(row)).append(row)


def pool_url(database_url: str) -> str:
    """asyncpg's URL for a SQLAlchemy one (postgresql+asyncpg://... -> postgresql://...)."""
    scheme, _, rest = database_url.partition("://")
    return f"{scheme.split('+')[0]}://{rest}"


def reads(*tables: type[Row]):
    """Mark a command with the tables of the child's file its rules read: a write loads only those (a file
    refuses to give rows it did not load, so a table missing from the mark fails loudly, not silently empty).
    A command without the mark gets the whole file."""
    def mark(handler):
        handler.reads = tables
        return handler
    return mark


def tables_read(handlers: Iterable) -> tuple[type[Row], ...] | None:
    """The tables these commands read between them; None when one of them needs the whole file."""
    found: set[type[Row]] = set()
    for handler in handlers:
        tables = getattr(handler, "reads", None)
        if tables is None:
            return None
        found.update(tables)
    return tuple(found)


@dataclasses.dataclass(frozen=True)
class Records:
    """How a service keeps its subjects' records: the tables it writes, in the order they are stored (parents
    before the rows that refer to them), the tables it only reads (e.g. periods of care learnt from another
    service), the column naming the subject, and the file class its commands read."""

    order: tuple[type[Row], ...]
    read_only: tuple[type[Row], ...] = ()
    key: str = "child_id"
    file: type[File] = File

    def file_of(self, subject_id: str, *rows: Row) -> File:
        """A file with every table, holding ``rows``: for rules tested in memory."""
        file = self.file(subject_id, {k: [] for k in (*self.order, *self.read_only)})
        for row in rows:
            file.add(row)
        return file

    async def files(self, connection: asyncpg.Connection, ids: list[str],
                    tables: tuple[type[Row], ...] | None = None) -> dict[str, File]:
        """The files of these subjects (an empty one for a subject not recorded yet), with ``tables`` or every
        table: one round trip, however many subjects."""
        kinds = tuple(k for k in (*self.order, *self.read_only) if tables is None or k in tables)
        files = {i: self.file(i, {k: [] for k in kinds}) for i in ids}
        for kind, rows in (await subjects_rows(connection, kinds, self.key, ids)).items():
            for row in rows:
                files[getattr(row, self.key)].add(row)
        return files

