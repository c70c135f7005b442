"""Bulk: many records in one request (a partner's nightly catch-up, a backlog), through the same command
handlers as the service's single requests. Each record has its own idempotency key, so a re-sent batch
changes nothing already applied; one child's records are applied together or not at all, those with a date in
date order whatever order they were sent in (e.g. a placement before the one that continues it; on one day, in
the order the service lists its commands, e.g. entering care before a placement), those without in the order sent.

A service passes its commands (name -> Command(handler, the id of the record it is about or None, the body
model, the audited resource)) and its ``Records`` (backbone.writes). Children go in a fixed order, up to
CHILDREN_PER_TRANSACTION per transaction: locked, loaded in one go, their records checked in memory by the
handlers (``(file, changes, [record_id,] body) -> (status, record)``), and stored with one statement per table
and one durable commit. Their locks are held until it commits, so a single request about one of them waits.
"""

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Literal

import asyncpg

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model
from backbone.auth import ApiClient, require_scope
from backbone.errors import Conflict, InputError, NotKnownYet
from backbone.idempotency import fingerprint
from backbone.requests import Purpose, StrictBody, _not_a_real_identifier
from backbone.writes import Changes, Records, lock_children, store, tables_read

MAX_RECORDS = 5_000
CHILDREN_PER_TRANSACTION = 1_000  # bounds how long a batch holds children's locks
_PRIORS = ("SELECT key, request_fingerprint, status_code, response FROM idempotency_keys "
           "WHERE client_id = $1 AND key = ANY($2::text[])")


@dataclass(frozen=True)
class Command:
    handler: object
    record_id: str | None  # the path id the single request takes (e.g. placement_id), or None
    body: type[BaseModel]
    resource: str  # for the audit log
    # The body's field that dates the record, for applying a child's records in date order (keyword-only, so
    # a subclass may add fields without defaults).
    dated_by: str | None = dataclasses.field(default=None, kw_only=True)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # sorts as the date does


def _in_date_order(indexed: list, commands: dict[str, Command]) -> list:
    """One child's records, the dated ones in date order (on one day, in the order of ``commands``; then as
    sent) in the places the dated ones hold, the others where they were sent."""
    rank = {name: n for n, name in enumerate(commands)}

    def day(item) -> str | None:
        field = commands[item.command].dated_by if item.command in commands else None
        value = item.record.get(field) if field else None
        return value if isinstance(value, str) and _ISO_DATE.fullmatch(value) else None

    places = [n for n, (_, item) in enumerate(indexed) if day(item)]
    in_order = sorted((indexed[n] for n in places), key=lambda pair: (day(pair[1]), rank[pair[1].command]))
    ordered = list(indexed)
    for place, pair in zip(places, in_order):
        ordered[place] = pair
    return ordered


class RecordResult(BaseModel):
    index: int
    key: str
    outcome: Literal["created", "updated", "unchanged", "rejected", "retry", "not applied"]
    status: int
    record: dict | None = None
    error: dict | None = None  # {field, reason}


def _error(error: Exception) -> dict:
    if isinstance(error, (InputError, NotKnownYet)):
        return {"field": error.field, "reason": error.reason}
    first = error.errors()[0]
    return {"field": ".".join(str(p) for p in first["loc"]), "reason": first["msg"]}


def _not_applied(indexed: list, results: list[RecordResult], refusal: RecordResult) -> list[RecordResult]:
    """None of a child's new records was stored: the refused one says why, the others point to it."""
    unchanged = {r.index: r for r in results if r.outcome == "unchanged"}
    return [unchanged.get(index) or (refusal if index == refusal.index else RecordResult(
                index=index, key=item.key, outcome="not applied", status=424,
                error={"field": "index", "reason": f"record {refusal.index} of this child was not applied"}))
            for index, item in indexed]


def _conflict(indexed: list, results: list[RecordResult]) -> RecordResult:
    first_new = next((r for r in results if r.outcome in ("created", "updated")), None)
    index, key = (first_new.index, first_new.key) if first_new else (indexed[0][0], indexed[0][1].key)
    return RecordResult(index=index, key=key, outcome="rejected", status=409, error={
        "field": "child_id", "reason": "conflicts with a record stored at the same moment: read and resend"})


def bulk_router(commands: dict[str, Command], scope: str, tag: str, records: Records) -> APIRouter:
    router = APIRouter(tags=[tag])
    record_model = create_model(
        "BulkRecord", __base__=StrictBody,
        key=(str, Field(min_length=8, max_length=128, description="This record's idempotency key.")),
        command=(Literal[tuple(commands)], ...),  # type: ignore[valid-type]
        child_id=(str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")),
        record_id=(str | None, Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                     description="The id of the record the command is about, where it takes one.")),
        record=(dict, Field(description="The command's body, as for the single request.")),
    )
    records_of = TypeAdapter(list[record_model])
    body = {"required": True, "content": {
        "application/json": {"schema": {"type": "array", "maxItems": MAX_RECORDS, "items": record_model.model_json_schema()}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "One record per line"}}}}

    def parse(raw: bytes, content_type: str) -> list:
        ndjson = "ndjson" in content_type
        try:
            text = raw.decode()
            items = [json.loads(line) for line in text.splitlines() if line.strip()] if ndjson else json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError("body", f"not {'NDJSON' if ndjson else 'a JSON array'}: {str(error)[:80]}") from None
        if not isinstance(items, list) or len(items) > MAX_RECORDS:
            raise InputError("body", f"send a list of at most {MAX_RECORDS} records")
        try:
            parsed = records_of.validate_python(items)
        except ValidationError as error:
            first = error.errors()[0]
            raise InputError(".".join(str(p) for p in first["loc"]), first["msg"]) from None
        for index, record in enumerate(parsed):
            try:
                _not_a_real_identifier(record.child_id)
            except ValueError as reason:
                raise InputError(f"{index}.child_id", str(reason)) from None
        return parsed

    def apply_file(file, changes: Changes, client: ApiClient, purpose: str | None, indexed: list,
                   priors: dict) -> tuple[list[RecordResult], bool]:
        """One child's records against its file, in memory: (results, whether they all stand). When one is
        refused the child's changes are dropped (the file is not used again in this batch)."""
        results: list[RecordResult] = []
        for index, item in indexed:
            payload = fingerprint({"bulk": item.model_dump(mode="json", exclude={"key"})})
            prior = priors.get(item.key)
            if prior and prior["request_fingerprint"] == payload:
                results.append(RecordResult(index=index, key=item.key, outcome="unchanged", status=prior["status_code"],
                                            record=json.loads(prior["response"])))
                continue
            command = commands[item.command]
            try:
                if prior:
                    raise InputError("key", "this key was already used for a different record")
                if (command.record_id is None) != (item.record_id is None):
                    raise InputError("record_id", f"{item.command} {'needs' if command.record_id else 'takes no'} record_id")
                parsed = command.body.model_validate(item.record)
                args = (item.record_id, parsed) if command.record_id else (parsed,)
                status, stored = command.handler(file, changes, *args)
            except (InputError, NotKnownYet, ValidationError) as error:
                outcome, status = ("retry", 503) if isinstance(error, NotKnownYet) else \
                    ("rejected", 409 if isinstance(error, Conflict) else 422)
                refusal = RecordResult(index=index, key=item.key, outcome=outcome, status=status, error=_error(error))
                return _not_applied(indexed, results, refusal), False
            changes.audit(client.client_id, "write", f"bulk:{item.command}", item.child_id, purpose)
            changes.answer(client.client_id, item.key, payload, status, stored)
            results.append(RecordResult(index=index, key=item.key, outcome="created" if status == 201 else "updated",
                                        status=status, record=stored))
        return results, True

    async def apply_files(connection: asyncpg.Connection, client: ApiClient, purpose: str | None, children: list[str],
                          by_child: dict) -> tuple[list[RecordResult], int]:
        """These children's records in the caller's transaction: (results, events staged)."""
        await lock_children(connection, children)
        keys = [item.key for child in children for _, item in by_child[child]]
        priors = {r["key"]: r for r in await connection.fetch(_PRIORS, client.client_id, keys)}
        files = await records.files(connection, children, tables_read(
            commands[item.command].handler for child in children for _, item in by_child[child] if item.command in commands))
        batch, results = Changes(), []
        for child in children:
            changes = Changes()
            child_results, stands = apply_file(files[child], changes, client, purpose, by_child[child], priors)
            results += child_results
            if stands:
                batch.merge(changes)
        await store(connection, batch, records.order)
        return results, batch.events

    async def apply_chunk(connection: asyncpg.Connection, client: ApiClient, purpose: str | None, children: list[str],
                          by_child: dict) -> tuple[list[RecordResult], int]:
        try:
            async with connection.transaction():
                return await apply_files(connection, client, purpose, children, by_child)
        except asyncpg.IntegrityConstraintViolationError:
            if len(children) == 1:  # a concurrent request stored a clashing state first
                return _not_applied(by_child[children[0]], [], _conflict(by_child[children[0]], [])), 0
        # The database refused something in the chunk: find whose, one child at a time.
        results, events = [], 0
        for child in children:
            child_results, child_events = await apply_chunk(connection, client, purpose, [child], by_child)
            results, events = results + child_results, events + child_events
        return results, events

    @router.post("/bulk", openapi_extra={"requestBody": body}, response_model=list[RecordResult])
    async def bulk(request: Request, purpose: Purpose = None, client: ApiClient = require_scope(scope)) -> list[RecordResult]:
        """Many records at once: a JSON array, or NDJSON (`Content-Type: application/x-ndjson`), each
        `{key, command, child_id, record_id?, record}`. A result per record: created, updated, unchanged (a
        re-send), rejected (field and reason), retry (the child is not known here yet), or not applied
        (another record of the same child was not: a child's records go in together or not at all)."""
        sent = parse(await request.body(), request.headers.get("content-type", ""))
        by_child: dict[str, list] = {}
        for index, record in enumerate(sent):
            by_child.setdefault(record.child_id, []).append((index, record))
        by_child = {child: _in_date_order(indexed, commands) for child, indexed in by_child.items()}
        results = []
        # Children in a fixed order (two batches lock shared children in the same order: no deadlock), a
        # transaction (one durable commit) per CHILDREN_PER_TRANSACTION of them.
        children = sorted(by_child)
        runtime = request.app.state.runtime
        events = 0
        async with runtime.pool.acquire() as connection:
            for start in range(0, len(children), CHILDREN_PER_TRANSACTION):
                chunk_results, chunk_events = await apply_chunk(
                    connection, client, purpose, children[start:start + CHILDREN_PER_TRANSACTION], by_child)
                results, events = results + chunk_results, events + chunk_events
        if events:
            runtime.events_staged()
        return sorted(results, key=lambda r: r.index)

    return router
