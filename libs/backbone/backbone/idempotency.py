"""Writes are idempotent under a client-supplied key: a retry gets the first answer and changes nothing."""

import hashlib
import json

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from backbone.auth import ApiClient
from backbone.errors import Conflict, InputError
from backbone.writes import Changes, Records, lock_children, store, tables_read


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


_PRIOR = "SELECT request_fingerprint, status_code, response FROM idempotency_keys WHERE client_id = $1 AND key = $2"


async def write_child(request: Request, client: ApiClient, key: str, body: BaseModel, records: Records, command,
                      child_id: str, action: str, resource: str, purpose: str | None, *args,
                      about_child: bool = True) -> JSONResponse:
    """A partner's write about one child (backbone.writes): idempotent under
    ``key``, one write at a time per child, the command's changes, its audit row and the answer stored in
    one transaction, and the outbox relay woken once it commits. A twin request with the same key waits for
    the child's lock and then gets the first one's answer. ``about_child`` False: the id is another
    subject's (e.g. a foster household), written the same way but not logged as a child's record."""
    audited_child = child_id if about_child else None
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
                changes.audit(client.client_id, "write-replayed", route, audited_child, purpose)
                await store(connection, changes, ())
                return JSONResponse(json.loads(prior["response"]), prior["status_code"],
                                    headers={"Idempotent-Replayed": "true"})
            files = await records.files(connection, [child_id], tables_read([command]))
            status, answer = command(files[child_id], changes, *args)
            changes.audit(client.client_id, action, resource, audited_child, purpose)
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
