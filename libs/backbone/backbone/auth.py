"""Partner clients authenticate with a bearer token and hold per-partner scopes.

Only SHA-256 hashes of tokens are configured. The seam is ``authenticate``: a signed-JWT client-credentials
check (the NHS API platform's model) can replace the token lookup without touching the endpoints.
"""

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    scopes: frozenset[str]


class ClientRegistry:
    def __init__(self, entries: list[dict]):
        self._by_hash = {e["token_sha256"]: ApiClient(e["client_id"], frozenset(e["scopes"])) for e in entries}

    def authenticate(self, token: str) -> ApiClient | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        for known, client in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return client
        return None


_bearer = HTTPBearer(auto_error=False)


def require_scope(scope: str):
    """FastAPI dependency: the authenticated client, which must hold ``scope``."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> ApiClient:
        client = credentials and request.app.state.clients.authenticate(credentials.credentials)
        if not client:
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        if scope not in client.scopes:
            raise HTTPException(403, "this client is not allowed to do this")  # names no client or scope
        return client

    return Depends(dependency)
