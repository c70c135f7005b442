"""Every read or write of a child's record is attributable: who, what, when, why."""

import re
import unicodedata
from urllib.parse import unquote

from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.auth import ApiClient, ClientRegistry
from backbone.db import Sessions
from backbone.tables import AuditEntry


def record_access(
    session: AsyncSession, client: ApiClient, action: str, resource: str, child_id: str | None, purpose: str | None
) -> None:
    """Adds the audit row to the caller's transaction, so the access and its record stand or fall together."""
    session.add(AuditEntry(client_id=client.client_id, action=action, resource=resource, child_id=child_id,
                           purpose=sanitised(purpose), outcome="ok"))


REFUSALS_AUDITED = {401, 403, 404, 409, 413, 422, 429, 503}
_CHILD_PATH = re.compile(r"^/children/([^/]{1,64})")


async def record_refusal(sessions: Sessions, clients: ClientRegistry, method: str, path: str, route: str | None,
                         headers, status: int) -> None:
    """A refused attempt at a child's record, in a transaction of its own: who tried, what, and the answer."""
    child = _CHILD_PATH.match(path)
    if status not in REFUSALS_AUDITED or not child:
        return
    scheme, _, token = headers.get("authorization", "").partition(" ")
    client = clients.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    async with sessions() as session, session.begin():
        session.add(AuditEntry(
            client_id=client.client_id if client else "(unauthenticated)", action="read" if method == "GET" else "write",
            resource=route or "(unmatched)", child_id=sanitised(unquote(child.group(1)))[:64],
            purpose=sanitised(headers.get("x-purpose"))[:200] if headers.get("x-purpose") else None, outcome=str(status),
        ))


def sanitised(text: str | None) -> str | None:
    """Control characters (a forged newline in a log reader, a terminal escape) become spaces."""
    if text is None:
        return None
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
