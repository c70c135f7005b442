"""Access state every instance of a service shares, in its database: revoked clients, used client assertions,
refused attempts without a valid credential. In the database, so every instance sees a change at once and a
restart forgets nothing (tables: backbone/migrations/audit/0002_shared_access.py)."""

import asyncio
import logging

from sqlalchemy import text

from backbone.db import Sessions

log = logging.getLogger(__name__)

# How often a running service reads the revoked clients: a revocation takes effect within this.
REVOCATIONS_EVERY_SECONDS = 1.0


async def revoked_clients(sessions: Sessions) -> set[str]:
    async with sessions() as session:
        return set((await session.exec(text("SELECT client_id FROM revoked_clients"))).scalars())


async def follow_revocations(sessions: Sessions, registry, every: float = REVOCATIONS_EVERY_SECONDS) -> None:
    """Keeps ``registry``'s revoked clients as the database has them (python -m backbone.clients revoke)."""
    while True:
        await asyncio.sleep(every)
        try:
            revoked = await revoked_clients(sessions)
        except Exception as error:  # the database is down: readiness says so; the last known list stands
            log.warning("revoked clients not read: %s", error)
            continue
        if newly := revoked - registry.revoked:
            log.warning("client(s) revoked, refused from now on: %s", ", ".join(sorted(newly)))
        registry.set_revoked(revoked)


async def first_use_of_assertion(sessions: Sessions, client_id: str, jti: str, expires: float) -> bool:
    """Records a client assertion's jti; False when the client used it before and it has not expired yet."""
    async with sessions() as session, session.begin():
        first = (await session.exec(text(
            "INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (:client, :jti, to_timestamp(:expires)) "
            "ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at "
            "WHERE used_assertions.expires_at < now() RETURNING 1"
        ).bindparams(client=client_id, jti=jti, expires=expires))).first()
    return first is not None


async def count_refused_attempt(sessions: Sessions, source: str, resource: str, status: int) -> None:
    """One more refused attempt without a valid credential from ``source`` this minute: a counter, not a row
    per attempt, so that strangers cannot fill the database (nor the audit log) with ids of their choosing."""
    async with sessions() as session, session.begin():
        await session.exec(text(
            "INSERT INTO refused_attempts (minute, source, resource, status, attempts) "
            "VALUES (date_trunc('minute', now()), :source, :resource, :status, 1) "
            "ON CONFLICT (minute, source, resource, status) DO UPDATE SET attempts = refused_attempts.attempts + 1"
        ).bindparams(source=source[:64], resource=resource, status=status))
