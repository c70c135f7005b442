"""Records a partner adds to a child's file, then corrects or withdraws: one mechanism for every kind.

A missing episode, a review, a visit or a conviction differ only in their fields and their rules. A
``RecordKind`` declares those (its table row, what a partner sends, the rules on the record as it would be
stored, the event), and this module derives the rest: the three commands (record, correct against the
version last read, withdraw as entered in error), their bulk names and their HTTP routes under
``/children/{child_id}/<path>``. A kind's event is its row as stored (every column but ``withdrawn``: the
contract, with no other property allowed, is what keeps anything else off the bus), dated by ``effective``
and flagged when withdrawn.

The child's file (the service's records.py) keeps each kind's rows: ``file.rows(row_type)`` lists them,
withdrawn ones included, and ``file.add(row)`` adds one.
"""

import dataclasses
import functools
import uuid
from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel

from backbone.auth import ApiClient, require_scope
from backbone.bulk import Command
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw_record, withdrawn_flag
from backbone.idempotency import write_child
from backbone.requests import ChildId, IdempotencyKey, Purpose, RecordId
from backbone.writes import Changes, Records, Row

STALE = {409: {"description": "The record changed since the version you sent: read it again and resend."}}


@dataclasses.dataclass(frozen=True)
class RecordKind:
    name: str  # "missing-episode": bulk command names (record, correct-<name>, withdraw-<name>)
    path: str  # "missing-episodes": the URL segment under /children/{child_id}, and the key in the child's record
    row: type[Row]  # its table: the id, child_id, the fields a partner sends, record_version, withdrawn
    event_type: str
    new: type[BaseModel]  # what a partner sends to record one
    correction: type[Change]  # the correctable fields, all optional
    # The rules, on the record as it would be stored: (file, fields, the id of the record being corrected or
    # None for a new one). Raises InputError naming the field and the reason.
    check: Callable[[object, dict, str | None], None]
    effective: Callable[[Row], date]  # the date the fact took effect (the event's effective_date)
    describe: str  # one line for the API documentation
    required: frozenset[str] = frozenset()  # fields a correction cannot remove
    record_command: str | None = None  # the bulk name of "record one", if not ``name``
    # A new open record takes over from the open one (it ends on the new start date), e.g. a new social worker.
    replaces: Callable[[object, dict], Row | None] | None = None
    # The other tables of the child's file its rules read (its own is added); None: the whole file.
    reads: tuple[type[Row], ...] | None = None
    order_by: str = "start_date"  # the child's record lists them in this order

    @property
    def id_field(self) -> str:
        return self.row.KEY[0]

    @property
    def resource(self) -> str:  # the audit log's name for it
        return self.name.replace("-", "_")

    def command(self, handler) -> functools.partial:
        """``handler`` (record, correct or withdraw) for this kind, marked with the tables it reads."""
        command = functools.partial(handler, self)
        command.reads = None if self.reads is None else (*self.reads, self.row)
        return command

    def find(self, file, record_id: str) -> Row | None:
        return next((r for r in file.rows(self.row) if getattr(r, self.id_field) == record_id), None)

    def current(self, file, other_than: str | None = None) -> list[Row]:
        """The child's records of this kind, less withdrawn ones (and the one being corrected)."""
        return [r for r in file.rows(self.row) if not r.withdrawn and getattr(r, self.id_field) != other_than]

    def event_data(self, row: Row) -> dict:
        data = row.as_json()
        del data["withdrawn"]
        data["effective_date"] = self.effective(row).isoformat()
        return {**data, **withdrawn_flag(row)}

    def save(self, changes: Changes, row: Row) -> dict:
        """Note the row and its event; the record as the partner reads it back."""
        changes.save(row)
        changes.publish(self.event_type, row.child_id, self.event_data(row))
        return row.as_json()


def record(kind: RecordKind, file, changes: Changes, body: BaseModel) -> tuple[int, dict]:
    fields = body.model_dump()
    replaced = kind.replaces(file, fields) if kind.replaces else None
    if replaced:
        replaced.end_date = fields["start_date"]
        next_version(replaced)
        kind.save(changes, replaced)
    kind.check(file, fields, None)
    row = kind.row(**{kind.id_field: str(uuid.uuid4()), "child_id": file.child_id, **fields})
    file.add(row)
    return 201, kind.save(changes, row)


def correct(kind: RecordKind, file, changes: Changes, record_id: str, body: Change) -> tuple[int, dict]:
    row = kind.find(file, record_id)
    check_current(row, body.record_version, kind.id_field)
    changed = corrected_fields(row, body, required=kind.required)
    # The rules read the whole record as it would be stored, fields that cannot be corrected included.
    kind.check(file, {name: getattr(row, name) for name in kind.new.model_fields} | changed, record_id)
    for name, value in changed.items():
        setattr(row, name, value)
    next_version(row)
    return 200, kind.save(changes, row)


def withdraw(kind: RecordKind, file, changes: Changes, record_id: str, body: Change) -> tuple[int, dict]:
    return withdraw_record(kind.find(file, record_id), body.record_version, kind.id_field,
                           lambda row: kind.save(changes, row))


def bulk_commands(kinds: list[RecordKind]) -> dict[str, Command]:
    """Each kind's three commands under the names a bulk record asks for."""
    commands = {}
    for kind in kinds:
        commands[kind.record_command or kind.name] = Command(kind.command(record), None, kind.new, kind.resource,
                                                             dated_by=kind.order_by)  # a date, where it is one
        commands[f"correct-{kind.name}"] = Command(kind.command(correct), kind.id_field, kind.correction, kind.resource)
        commands[f"withdraw-{kind.name}"] = Command(kind.command(withdraw), kind.id_field, Change, kind.resource)
    return commands


def child_records(kinds: list[RecordKind], file) -> dict[str, list[dict]]:
    """Each kind's current records of the child, for reading the child's record back."""
    return {kind.path.replace("-", "_"): [r.as_json() for r in sorted(kind.current(file),
                                                                    key=lambda r: getattr(r, kind.order_by))]
            for kind in kinds}


def add_routes(router: APIRouter, kinds: list[RecordKind], records: Records, scope: str) -> None:
    """POST /children/{child_id}/<path>, PATCH .../<path>/{record_id} and POST .../<path>/{record_id}/withdraw
    for each kind: the partner's write (idempotent, audited, one at a time per child) of its commands."""
    for kind in kinds:
        _add_routes(router, kind, records, scope)


def _add_routes(router: APIRouter, kind: RecordKind, records: Records, scope: str) -> None:
    new, correction = kind.new, kind.correction
    recording, correcting, withdrawing = kind.command(record), kind.command(correct), kind.command(withdraw)

    async def add(child_id: ChildId, body: new, request: Request, idempotency_key: IdempotencyKey,  # type: ignore[valid-type]
                  purpose: Purpose = None, client: ApiClient = require_scope(scope)):
        return await write_child(request, client, idempotency_key, body, records, recording,
                                 child_id, "write", kind.resource, purpose, body)

    async def amend(child_id: ChildId, record_id: RecordId, body: correction, request: Request,  # type: ignore[valid-type]
                    idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(scope)):
        return await write_child(request, client, idempotency_key, body, records, correcting,
                                 child_id, "correct", kind.resource, purpose, record_id, body)

    async def remove(child_id: ChildId, record_id: RecordId, body: Change, request: Request,
                     idempotency_key: IdempotencyKey, purpose: Purpose = None, client: ApiClient = require_scope(scope)):
        return await write_child(request, client, idempotency_key, body, records, withdrawing,
                                 child_id, "withdraw", kind.resource, purpose, record_id, body)

    base, noun = f"/children/{{child_id}}/{kind.path}", kind.name.replace("-", " ")
    router.add_api_route(base, add, methods=["POST"], status_code=201, name=f"record_{kind.resource}",
                         summary=f"Record a {noun}", description=kind.describe)
    router.add_api_route(f"{base}/{{record_id}}", amend, methods=["PATCH"], responses=STALE,
                         name=f"correct_{kind.resource}", summary=f"Correct a {noun}",
                         description="Only the fields sent change (null removes an optional one), against the "
                                     "version last read.")
    router.add_api_route(f"{base}/{{record_id}}/withdraw", remove, methods=["POST"], responses=STALE,
                         name=f"withdraw_{kind.resource}", summary=f"Withdraw a {noun}",
                         description="Withdraw one recorded in error: it leaves every KPI (the withdrawal is "
                                     "published).")
