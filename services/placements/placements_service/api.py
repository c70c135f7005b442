"""The case system reads a child's record back. Every write is a command (commands.py, child_records.py)
routed by backbone.record_kinds (main.py): idempotency key, audit row, scope; the rules live in the commands."""

from fastapi import APIRouter, Request

from backbone.auth import ApiClient, require_scope
from backbone.requests import ChildId, RequiredPurpose
from backbone.writes import Changes, store

from placements_service import commands
from placements_service.records import RECORDS

router = APIRouter(tags=["placements"])
WRITE = "placements:write"
READ = "placements:read"


@router.get("/children/{child_id}")
async def child_record(child_id: ChildId, request: Request, purpose: RequiredPurpose, client: ApiClient = require_scope(READ)):
    """A child's periods of care and placements, for the case system to reconcile. Audited."""
    changes = Changes()
    async with request.app.state.runtime.pool.acquire() as connection, connection.transaction():
        record = commands.child_record((await RECORDS.files(connection, [child_id]))[child_id])
        changes.audit(client.client_id, "read", "child", child_id, purpose)
        await store(connection, changes, ())
    return record
