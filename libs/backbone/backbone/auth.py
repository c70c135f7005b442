"""Partner clients, their credentials and their per-partner scopes.

A client is registered in the clients file (``API_CLIENTS_FILE``; ``python -m backbone.clients`` creates,
lists, rotates and revokes them; a revocation also goes into each service's database, which running
instances read every second) with its scopes and one or more credentials: the public keys it signs JWT
client assertions with, the SHA-256 of a client secret (both exchanged at ``POST /oauth2/token`` for a
short-lived signed access token, backbone.oauth), or the SHA-256 of a static bearer token (the development
stack's, and partners not yet moved to client credentials). Nothing secret is stored.
"""

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backbone.oauth import TokenIssuer


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    scopes: frozenset[str]


class ClientRegistry:
    def __init__(self, entries: list[dict], issuer: TokenIssuer | None = None):
        self._entries = {e["client_id"]: e for e in entries if not e.get("revoked")}
        self._by_hash = {e["token_sha256"]: e["client_id"] for e in self._entries.values() if e.get("token_sha256")}
        # Revoked since the file was read: the service's database's list (backbone.access.follow_revocations).
        self._revoked: frozenset[str] = frozenset()
        self.issuer = issuer

    def set_revoked(self, client_ids: set[str]) -> None:
        self._revoked = frozenset(client_ids)

    def entry(self, client_id: str) -> dict | None:
        """A registered, unrevoked client's entry."""
        return None if client_id in self._revoked else self._entries.get(client_id)

    def client(self, client_id: str) -> ApiClient | None:
        entry = self.entry(client_id)
        return ApiClient(client_id, frozenset(entry["scopes"])) if entry else None

    def authenticate(self, token: str) -> ApiClient | None:
        """The client behind a bearer token: an access token this service issued (its scopes, as long as the
        client still holds them and is not revoked), or a registered static token."""
        if token.count(".") == 2 and self.issuer:
            claims = self.issuer.verify(token)
            client = claims and self.client(claims["sub"])
            return ApiClient(client.client_id, client.scopes & frozenset(claims.get("scope", "").split())) if client else None
        digest = hashlib.sha256(token.encode()).hexdigest()
        for known, client_id in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return self.client(client_id)
        return None


_bearer = HTTPBearer(auto_error=False)


def require_scope(scope: str, *alternatives: str):
    """FastAPI dependency: the authenticated client, which must hold ``scope`` (or one of ``alternatives``:
    e.g. any work list's scope, where the route then checks the one list asked for)."""
    allowed = {scope, *alternatives}

    # async: a plain function would be run in a worker thread, a thread hop on every request.
    async def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> ApiClient:
        client = credentials and request.app.state.clients.authenticate(credentials.credentials)
        if not client:
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        if not allowed & client.scopes:
            raise HTTPException(403, "this client is not allowed to do this")  # names no client or scope
        return client

    return Depends(dependency)
