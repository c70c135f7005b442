"""Records a partner adds to a subject's file (a child's; a foster household's), then corrects or withdraws:
one mechanism for every kind, in every service.

A missing episode, a health assessment or a household's approval differ only in their fields and their
rules. A ``RecordKind`` declares those: its row (the table's columns, written once: what a partner sends to
record one and to correct one is derived from it), its subject, the rules on the record as it would be
stored, the columns the service works out itself, the columns kept off the bus, what makes two records the
same record, what may stop a withdrawal, and its named actions (``.../end``). This module derives the rest:
the commands (record, correct against the version last read, withdraw as entered in error, each action),
their HTTP routes under ``/<subject path>/{<subject id>}/<path>`` and their bulk names, by one rule:

    record-<kind>, correct-<kind>, withdraw-<kind>, <action>-<kind> (e.g. end-placement)

(names a service used before the rule stay as aliases). A kind's event is its row as stored, less
``withdrawn`` and its private columns, dated by ``effective`` and flagged when withdrawn; the contract, with
no other property allowed, is what keeps anything else off the bus.

Commands that are not a kind's (a child entering care) are declared as ``Operation``s and routed the same way.
"""

import dataclasses
import functools
import inspect
import re
import typing
import uuid
from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel, create_model

from backbone.auth import ApiClient, require_scope
from backbone.bulk import Command, bulk_router
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw, withdrawn_flag
from backbone.errors import Conflict, InputError
from backbone.idempotency import write_child
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId, StrictBody
from backbone.writes import Changes, File, Records, Row, columns

STALE = {409: {"description": "The record changed since the version you sent: read it again and resend."}}
SAME_RECORD = {409: {"description": "The same record is already recorded (named in the answer): it was sent again "
                                    "under a new Idempotency-Key. Read it, or correct it."}}


@dataclasses.dataclass(frozen=True)
class Subject:
    """What records are about: its URL segment, its id and the path parameter's type, and a guard run before
    any rule (a subject this service does not know: a 422 where it records them itself, a 503 + Retry-After
    where it learns them from another service's events)."""

    noun: str  # "child"
    path: str  # "children": /children/{child_id}/...
    id_field: str  # "child_id": the path parameter and the column of every row about it
    id_type: object = ChildId
    guard: Callable[[File], None] | None = None
    responses: dict | None = None  # answers the guard adds to every route (a 503 for a subject not known yet)

    @property
    def about_child(self) -> bool:  # a child's records are audited as theirs
        return self.id_field == "child_id"


CHILD = Subject("child", "children", "child_id")


@dataclasses.dataclass(frozen=True)
class Action:
    """A named change to a record beyond a correction, e.g. ``end``: POST .../{id}/end, bulk ``end-<kind>``.
    ``fields``: the row's columns it takes (``required`` among them must be sent); ``apply(file, row, body)``
    checks the rules (InputError) and changes the row."""

    name: str
    fields: tuple[str, ...]
    apply: Callable[[File, Row, BaseModel], None]
    describe: str
    required: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    dated_by: str | None = None  # the field that dates it, for bulk's date order (e.g. end_date)


@dataclasses.dataclass(frozen=True)
class RecordKind:
    name: str  # "missing-episode": bulk names (record-<name>, correct-<name>, ...), audit resource, route names
    path: str  # "missing-episodes": the URL segment under the subject, and the key in the subject's record
    row: type[Row]  # its table: the id, the subject's id, its fields, record_version, withdrawn
    event_type: str
    # The rules, on the record as it would be stored: (file, fields, the id of the record being corrected or
    # None for a new one). Raises InputError naming the field and the reason.
    check: Callable[[File, dict, str | None], None]
    effective: Callable[[Row], date]  # the date the fact took effect (the event's effective_date)
    describe: str  # one line for the API documentation
    subject: Subject = CHILD
    ended_event_type: str | None = None  # the event of one that has ended (its end_date set), where it has its own
    # Columns the service works out itself, never sent (an IHA's period of care, a placement's distance):
    # ``derive(file, fields, the id being corrected or None) -> {column: value}``, before the rules. It may
    # also normalise a sent field (a postcode in capitals).
    computed: tuple[str, ...] = ()
    derive: Callable[[File, dict, str | None], dict] | None = None
    fixed: tuple[str, ...] = ()  # sent when recorded, never corrected (the period a legal status change is in)
    private: frozenset[str] = frozenset()  # columns kept in this service, off the event
    # A live record with the same values of these fields is the same record sent again (under another
    # Idempotency-Key): 409 naming it. For kinds whose rules would let two identical records both stand.
    natural_key: tuple[str, ...] = ()
    withdraw_guard: Callable[[File, Row], None] | None = None  # refuses a withdrawal (InputError)
    actions: tuple[Action, ...] = ()
    # A new open record takes over from the open one (it ends on the new start date), e.g. a new social worker.
    replaces: Callable[[File, dict], Row | None] | None = None
    # The other tables of the file its rules read (its own is added); None: the whole file.
    reads: tuple[type[Row], ...] | None = None
    order_by: str = "start_date"  # the subject's record lists them in this order
    aliases: tuple[str, ...] = ()  # the bulk names of "record one" used before the naming rule
    resource: str | None = None  # the audit log's name for it, if not the kind's name

    @property
    def id_field(self) -> str:
        return self.row.KEY[0]

    @property
    def audited_as(self) -> str:
        return self.resource or self.name.replace("-", "_")

    @functools.cached_property
    def sent(self) -> tuple[str, ...]:
        """The row's columns a partner sends: all but the ids, the computed ones, the version and the flag."""
        own = {self.id_field, self.subject.id_field, "record_version", "withdrawn", *self.computed}
        return tuple(c for c in columns(self.row) if c not in own)

    @functools.cached_property
    def new(self) -> type[BaseModel]:
        """What a partner sends to record one: the row's sent columns, with the row's types."""
        return body_model(f"{_camel(self.name)}Recorded", self.row, self.sent, doc=self.describe)

    @functools.cached_property
    def correction(self) -> type[Change]:
        """The correctable fields, all optional (only those sent change), and the version last read."""
        return body_model(f"{_camel(self.name)}Correction", self.row, [c for c in self.sent if c not in self.fixed],
                          base=Change, optional=True,
                          doc="Only the fields sent change (null removes an optional one), against the version last read.")

    @functools.cached_property
    def required(self) -> frozenset[str]:
        """Fields a correction cannot remove: those a record cannot be without."""
        return frozenset(c for c in self.sent if not _optional(_field_type(self.row, c)))

    @property
    def event_types(self) -> tuple[str, ...]:
        return (self.event_type, *([self.ended_event_type] if self.ended_event_type else []))

    def event_type_of(self, row: Row) -> str:
        return self.ended_event_type if self.ended_event_type and row.end_date else self.event_type

    def find(self, file: File, record_id: str) -> Row | None:
        return next((r for r in file.rows(self.row) if getattr(r, self.id_field) == record_id), None)

    def current(self, file: File, other_than: str | None = None) -> list[Row]:
        """The subject's records of this kind, less withdrawn ones (and the one being corrected)."""
        return [r for r in file.rows(self.row) if not r.withdrawn and getattr(r, self.id_field) != other_than]

    def matching(self, file: File, fields: dict, other_than: str | None, names: tuple[str, ...]) -> Row | None:
        """A current record (other than the one being corrected) with the same values of ``names``."""
        return next((r for r in self.current(file, other_than) if all(getattr(r, n) == fields[n] for n in names)), None)

    def event_data(self, row: Row) -> dict:
        data = {k: v for k, v in row.as_json().items() if k != "withdrawn" and k not in self.private}
        data["effective_date"] = self.effective(row).isoformat()
        return {**data, **withdrawn_flag(row)}

    def save(self, changes: Changes, row: Row) -> dict:
        """Note the row and its event; the record as the partner reads it back."""
        changes.save(row)
        changes.publish(self.event_type_of(row), getattr(row, self.subject.id_field), self.event_data(row))
        return row.as_json()

    def prepared(self, file: File, fields: dict, other_than: str | None) -> dict:
        """The record as it would be stored: the guard, the computed columns, the same-record rule, the rules."""
        if self.subject.guard:
            self.subject.guard(file)
        if self.derive:
            fields = {**fields, **self.derive(file, fields, other_than)}
        if self.natural_key:
            if same := self.matching(file, fields, other_than, self.natural_key):
                raise Conflict(self.natural_key[0], f"{self.name.replace('-', ' ')} {getattr(same, self.id_field)} is "
                                                    f"already recorded with the same {', '.join(self.natural_key)}")
        return fields

    @functools.cached_property
    def operations(self) -> list["Operation"]:
        """Its commands, each with its route and bulk name."""
        noun, one = self.name.replace("-", " "), f"{self.path}/{{{self.id_field}}}"
        return [
            Operation(self._command(record), None, self.new, self.audited_as, f"record-{self.name}", "POST", self.path,
                      "write", 201, f"Record a {noun}", self.describe, self.aliases,
                      {**SAME_RECORD} if self.natural_key else None, dated_by=self.order_by),
            Operation(self._command(correct), self.id_field, self.correction, self.audited_as, f"correct-{self.name}",
                      "PATCH", one, "correct", 200, f"Correct a {noun}",
                      "Only the fields sent change (null removes an optional one), against the version last read.",
                      responses=STALE, dated_by=self.order_by),
            Operation(self._command(withdraw_one), self.id_field, Change, self.audited_as, f"withdraw-{self.name}",
                      "POST", f"{one}/withdraw", "withdraw", 200, f"Withdraw a {noun}",
                      "Withdraw one recorded in error: it leaves every KPI (the withdrawal is published).",
                      responses=STALE),
            *(Operation(self._command(functools.partial(act, action)), self.id_field,
                        body_model(f"{_camel(self.name)}{_camel(action.name)}", self.row, action.fields,
                                   optional_unless=action.required),
                        self.audited_as, f"{action.name}-{self.name}", "POST", f"{one}/{action.name}", "write", 200,
                        f"{action.name.capitalize()} a {noun}", action.describe, action.aliases,
                        dated_by=action.dated_by)
              for action in self.actions),
        ]

    def _command(self, handler) -> functools.partial:
        """``handler`` for this kind, marked with the tables it reads."""
        command = functools.partial(handler, self)
        command.reads = None if self.reads is None else (*self.reads, self.row)
        return command


def record(kind: RecordKind, file: File, changes: Changes, body: BaseModel) -> tuple[int, dict]:
    fields = kind.prepared(file, body.model_dump(), None)
    replaced = kind.replaces(file, fields) if kind.replaces else None
    was_open_until = replaced.end_date if replaced else None
    if replaced:
        replaced.end_date = fields["start_date"]  # the rules read it as ended when the new one starts
    try:
        kind.check(file, fields, None)
    except Exception:
        if replaced:
            replaced.end_date = was_open_until  # refused: the record replaced is left as it was
        raise
    if replaced:
        next_version(replaced)
        kind.save(changes, replaced)
    row = kind.row(**{kind.id_field: str(uuid.uuid4()), kind.subject.id_field: file.subject_id, **fields})
    file.add(row)
    return 201, kind.save(changes, row)


def correct(kind: RecordKind, file: File, changes: Changes, record_id: str, body: Change) -> tuple[int, dict]:
    row = kind.find(file, record_id)
    check_current(row, body.record_version, kind.id_field)
    changed = corrected_fields(row, body, required=kind.required)
    # The rules read the whole record as it would be stored, fields that cannot be corrected included.
    fields = kind.prepared(file, {name: getattr(row, name) for name in kind.sent} | changed, record_id)
    kind.check(file, fields, record_id)
    for name in (*changed, *kind.computed):
        setattr(row, name, fields[name])
    next_version(row)
    return 200, kind.save(changes, row)


def withdraw_one(kind: RecordKind, file: File, changes: Changes, record_id: str, body: Change) -> tuple[int, dict]:
    row = kind.find(file, record_id)
    check_current(row, body.record_version, kind.id_field)
    if kind.withdraw_guard:
        kind.withdraw_guard(file, row)
    withdraw(row)
    return 200, kind.save(changes, row)


def act(action: Action, kind: RecordKind, file: File, changes: Changes, record_id: str,
        body: BaseModel) -> tuple[int, dict]:
    row = kind.find(file, record_id)
    if row is None or row.withdrawn:
        raise InputError(kind.id_field, f"no such {kind.name.replace('-', ' ')} for this {kind.subject.noun}", "path")
    action.apply(file, row, body)
    next_version(row)
    return 200, kind.save(changes, row)


# ---- Bodies from rows: one field list (the row's), layered by role ----

def _field_type(row: type[Row], name: str):
    return typing.get_type_hints(row, include_extras=True)[name]


def _optional(annotation) -> bool:
    inner = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    return type(None) in typing.get_args(inner)


def body_model(name: str, row: type[Row], fields, base: type[BaseModel] = StrictBody, optional: bool = False,
               optional_unless: frozenset[str] | None = None, doc: str | None = None) -> type[BaseModel]:
    """A request body of ``fields`` with the row's types (constraints included): those the row may leave
    empty default to None; ``optional`` makes every one optional (a correction), ``optional_unless`` all but
    those."""
    defined = {}
    for field in fields:
        annotation = _field_type(row, field)
        maybe = optional or _optional(annotation) or (optional_unless is not None and field not in optional_unless)
        defined[field] = (annotation | None if maybe and not _optional(annotation) else annotation, None if maybe else ...)
    return create_model(name, __base__=base, __doc__=doc, **defined)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", name))


# ---- Routes and bulk names ----

@dataclasses.dataclass(frozen=True)
class Operation(Command):
    """A command as the partner reaches it: its bulk name (and older aliases), and its route under the subject."""

    name: str
    method: str
    path: str  # under /<subject path>/{<subject id>}; "" for the subject itself
    action: str  # for the audit log: write, correct, withdraw
    status_code: int = 200
    summary: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    responses: dict | None = None


def operations(kinds: list[RecordKind]) -> list[Operation]:
    return [operation for kind in kinds for operation in kind.operations]


def bulk_commands(operations: list[Operation]) -> dict[str, Command]:
    """The commands a bulk record may ask for, by name and by each older alias."""
    return {name: operation for operation in operations for name in (operation.name, *operation.aliases)}


def run(commands: dict[str, Command], name: str, file: File, changes: Changes, *record_id: str, **fields):
    """A command by its bulk name on a file in memory, its body built from ``fields`` (checked as a request's):
    what bulk does for one record, without the database."""
    command = commands[name]
    return command.handler(file, changes, *record_id, command.body(**fields))


def child_records(kinds: list[RecordKind], file: File) -> dict[str, list[dict]]:
    """Each kind's current records of the subject, for reading its record back."""
    return {kind.path.replace("-", "_"): [r.as_json() for r in sorted(kind.current(file),
                                                                    key=lambda r: getattr(r, kind.order_by))]
            for kind in kinds}


def write_routers(tag: str, subject: Subject, operations: list[Operation], records: Records,
                  scope: str) -> list[APIRouter]:
    """A service's write routes and its /bulk, both from its operations."""
    router = APIRouter(tags=[tag])
    add_routes(router, subject, operations, records, scope)
    return [router, bulk_router(bulk_commands(operations), scope, tag, records)]


def add_routes(router: APIRouter, subject: Subject, operations: list[Operation], records: Records, scope: str) -> None:
    """Each operation's route: the partner's write (idempotent, audited, one at a time per subject)."""
    for operation in operations:
        path = f"/{subject.path}/{{{subject.id_field}}}" + (f"/{operation.path}" if operation.path else "")
        router.add_api_route(path, _endpoint(subject, operation, records, scope), methods=[operation.method],
                             status_code=operation.status_code, name=operation.name.replace("-", "_"),
                             summary=operation.summary, description=operation.description,
                             responses={**(subject.responses or {}), **(operation.responses or {})})


def _endpoint(subject: Subject, operation: Operation, records: Records, scope: str):
    async def endpoint(request: Request, body, idempotency_key: str, purpose: str | None, client: ApiClient, **ids):
        args = (ids[operation.record_id], body) if operation.record_id else (body,)
        return await write_child(request, client, idempotency_key, body, records, operation.handler,
                                 ids[subject.id_field], operation.action, operation.resource, purpose, *args,
                                 about_child=subject.about_child)

    # FastAPI reads the parameters from the signature: the subject's id (and the record's) by their names.
    parameter = functools.partial(inspect.Parameter, kind=inspect.Parameter.KEYWORD_ONLY)
    endpoint.__signature__ = inspect.Signature([
        parameter(subject.id_field, annotation=subject.id_type),
        *([parameter(operation.record_id, annotation=RecordId)] if operation.record_id else []),
        parameter("body", annotation=operation.body),
        parameter("request", annotation=Request),
        parameter("idempotency_key", annotation=IdempotencyKey),
        parameter("purpose", annotation=Purpose, default=None),
        parameter("client", annotation=ApiClient, default=require_scope(scope)),
    ])
    return endpoint
