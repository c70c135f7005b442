"""Every read or write of a child's record is attributable: who, what, when, why."""

import unicodedata

from sqlmodel.ext.asyncio.session import AsyncSession

from backbone.auth import ApiClient
from backbone.tables import AuditEntry


def record_access(
    session: AsyncSession, client: ApiClient, action: str, resource: str, child_id: str | None, purpose: str | None
) -> None:
    """Adds the audit row to the caller's transaction, so the access and its record stand or fall together."""
    session.add(AuditEntry(client_id=client.client_id, action=action, resource=resource, child_id=child_id,
                           purpose=sanitised(purpose)))


def sanitised(text: str | None) -> str | None:
    """Control characters (a forged newline in a log reader, a terminal escape) become spaces."""
    if text is None:
        return None
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
