"""Every read or write of a child's record is attributable: who, what, when, why; refused ones too."""

import re
import unicodedata
from urllib.parse import unquote

from prometheus_client import Counter
from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.access import count_refused_attempt
from backbone.auth import ApiClient, ClientRegistry
from backbone.db import Sessions
from backbone.tables import AuditEntry


def record_access(
    session: AsyncSession, client: ApiClient, action: str, resource: str, child_id: str | None, purpose: str | None,
    child_ids: list[str] | None = None,
) -> None:
    """Adds the audit row to the caller's transaction, so the access and its record stand or fall together.
    ``child_ids``: the children an access to many disclosed (a KPI drill-down's), so that a search for one
    child finds it too."""
    session.add(AuditEntry(client_id=client.client_id, action=action, resource=resource, child_id=child_id,
                           purpose=sanitised(purpose), outcome="ok", child_ids=child_ids))


REFUSED_WITHOUT_CREDENTIAL = Counter(
    "cla_refused_without_credential", "Refused attempts at children's records without a valid credential "
    "(counted per source and minute in refused_attempts, not audited one by one)")
REFUSALS_AUDITED = {401, 403, 404, 409, 413, 422, 429, 503}
# Accesses to children's records: one child's (its id in the path), or many (a batch, a KPI's drill-down).
_CHILD_PATH = re.compile(r"^/children/([^/]{1,64})")
_CHILDREN_PATH = re.compile(r"^/(bulk|kpis/[^/]{1,64}/children)/?$")


async def record_refusal(sessions: Sessions, clients: ClientRegistry, method: str, path: str, route: str | None,
                         headers, status: int, source: str) -> None:
    """A refused attempt at children's records, in a transaction of its own. By an authenticated client: an
    audit row (who tried, what, and the answer). Without a valid credential: one more in refused_attempts'
    count for the source and minute; the path (and any child id in it) is the stranger's to choose, so it is
    not kept."""
    child = _CHILD_PATH.match(path)
    if status not in REFUSALS_AUDITED or not (child or _CHILDREN_PATH.match(path)):
        return
    scheme, _, token = headers.get("authorization", "").partition(" ")
    client = clients.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    resource = route or "(unmatched)"
    if client is None:
        REFUSED_WITHOUT_CREDENTIAL.inc()
        await count_refused_attempt(sessions, source, resource, status)
        return
    async with sessions() as session, session.begin():
        session.add(AuditEntry(
            client_id=client.client_id, action="read" if method == "GET" else "write", resource=resource,
            child_id=sanitised(unquote(child.group(1)))[:64] if child else None,
            purpose=sanitised(headers.get("x-purpose"))[:200] if headers.get("x-purpose") else None, outcome=str(status),
        ))


def sanitised(text: str | None) -> str | None:
    """Control characters (a forged newline in a log reader, a terminal escape) become spaces."""
    if text is None:
        return None
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
