"""Writes are idempotent under a client-supplied key: a retry gets the first answer and changes nothing."""

import hashlib
import json
from collections.abc import Awaitable, Callable

import asyncpg

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.audit import record_access
from backbone.auth import ApiClient
from backbone.db import Sessions
from backbone.errors import Conflict, InputError
from backbone.tables import IdempotencyRecord
from backbone.writes import Changes, Records, lock_children, store

# Does the write in the given session (not committed yet) and returns (status code, JSON body).
Write = Callable[[AsyncSession], Awaitable[tuple[int, dict]]]


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


async def idempotent_write(
    sessions: Sessions, client: ApiClient, key: str, payload: dict, write: Write, after_commit: Callable[[], None],
    audit_replay: Callable[[AsyncSession], None] | None = None, child_id: str | None = None,
) -> JSONResponse:
    request_fingerprint = fingerprint(payload)
    for _ in range(2):  # a second pass only when a concurrent request with the same key committed first
        async with sessions() as session:
            # One write at a time per child (or per key, for a write about no child), until this transaction
            # ends: the rules' "check, then store" cannot interleave with a concurrent write, and a concurrent
            # twin with the same key waits and then gets the first answer, not a conflict.
            await session.exec(select(func.pg_advisory_xact_lock(func.hashtextextended(
                f"child:{child_id}" if child_id else f"key:{client.client_id}:{key}", 0))))
            prior = await session.get(IdempotencyRecord, (client.client_id, key))
            if prior:
                if prior.request_fingerprint != request_fingerprint:
                    raise InputError("Idempotency-Key", "this key was already used for a different request", "header")
                if audit_replay:  # the replayed answer shows the child's record again: that is an access too
                    audit_replay(session)
                    await session.commit()
                return JSONResponse(prior.response, prior.status_code, headers={"Idempotent-Replayed": "true"})
            try:
                status, body = await write(session)
                session.add(IdempotencyRecord(
                    client_id=client.client_id, key=key, request_fingerprint=request_fingerprint,
                    status_code=status, response=body,
                ))
                await session.commit()
            except IntegrityError as error:
                await session.rollback()
                if "idempotency_keys_pkey" in str(error.orig):
                    continue  # the concurrent request won: answer as it did
                # The database refused a state the rules forbid (e.g. two open placements): not a 500.
                raise Conflict("child_id", "conflicts with a record stored at the same moment; read the child's "
                               "record and retry") from error
            except BaseException:
                await session.rollback()
                raise
        after_commit()
        return JSONResponse(body, status)
    raise RuntimeError("idempotency key was taken and then vanished")


def audited(handler, client: ApiClient, action: str, resource: str, child_id: str, purpose: str | None, *args) -> Write:
    """The write for write_once: a command handler (``async (session, child_id, *args) -> (status, record)``),
    and its audit row in the same transaction."""

    async def write(session: AsyncSession) -> tuple[int, dict]:
        result = await handler(session, child_id, *args)
        record_access(session, client, action, resource, child_id, purpose)
        return result

    return write


def write_once(request: Request, client: ApiClient, key: str, body: BaseModel, write: Write):
    """The usual partner write: idempotent under ``key``, and the outbox relay woken once it commits."""
    runtime = request.app.state.runtime
    payload = {"path": request.url.path, "body": body.model_dump(mode="json")}
    route = getattr(request.scope.get("route"), "path", request.url.path)

    def audit_replay(session: AsyncSession) -> None:
        record_access(session, client, "write-replayed", route, request.path_params.get("child_id"),
                      request.headers.get("X-Purpose"))

    return idempotent_write(runtime.sessions, client, key, payload, write, runtime.events_staged, audit_replay,
                            request.path_params.get("child_id"))


_PRIOR = "SELECT request_fingerprint, status_code, response FROM idempotency_keys WHERE client_id = $1 AND key = $2"


async def write_child(request: Request, client: ApiClient, key: str, body: BaseModel, records: Records, command,
                      child_id: str, action: str, resource: str, purpose: str | None, *args) -> JSONResponse:
    """A partner's write about one child on the bare-asyncpg path (backbone.writes): idempotent under
    ``key``, one write at a time per child, the command's changes, its audit row and the answer stored in
    one transaction, and the outbox relay woken once it commits. A twin request with the same key waits for
    the child's lock and then gets the first one's answer."""
    runtime = request.app.state.runtime
    request_fingerprint = fingerprint({"path": request.url.path, "body": body.model_dump(mode="json")})
    changes = Changes()
    try:
        async with runtime.pool.acquire() as connection, connection.transaction():
            await lock_children(connection, [child_id])
            prior = await connection.fetchrow(_PRIOR, client.client_id, key)
            if prior:
                if prior["request_fingerprint"] != request_fingerprint:
                    raise InputError("Idempotency-Key", "this key was already used for a different request", "header")
                # The replayed answer shows the child's record again: that is an access too.
                route = getattr(request.scope.get("route"), "path", request.url.path)
                changes.audit(client.client_id, "write-replayed", route, child_id, purpose)
                await store(connection, changes, ())
                return JSONResponse(json.loads(prior["response"]), prior["status_code"],
                                    headers={"Idempotent-Replayed": "true"})
            files = await records.load(connection, [child_id])
            status, answer = command(files[child_id], changes, *args)
            changes.audit(client.client_id, action, resource, child_id, purpose)
            changes.answer(client.client_id, key, request_fingerprint, status, answer)
            await store(connection, changes, records.order)
    except asyncpg.IntegrityConstraintViolationError:
        # The database refused a state the rules forbid (e.g. two open placements): not a 500. Its message
        # names values (a child's data): it is not passed on.
        raise Conflict("child_id", "conflicts with a record stored at the same moment; read the child's record "
                                   "and retry") from None
    if changes.events:
        runtime.events_staged()
    return JSONResponse(answer, status)
