"""OAuth2 client credentials: a partner exchanges its credentials for a short-lived signed access token.

``POST /oauth2/token`` (form-encoded, RFC 6749 section 4.4) with ``grant_type=client_credentials`` and either
  - a signed JWT client assertion (RFC 7523, the NHS API platform's model): ``client_assertion_type=
    urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and ``client_assertion``, a JWT the client signed
    with its private key (iss = sub = its client id, aud = this token endpoint, a unique jti, exp within
    5 minutes), checked against the public keys registered for it; or
  - a client secret (``client_id`` and ``client_secret`` in the form, or HTTP Basic), of which only a SHA-256
    is registered.
The answer is an ES256-signed JWT (5 minutes) that this service verifies on every request, with the scopes
the client holds (or the subset it asked for). Revoking a client stops its tokens at once: every request
checks the client is still registered and not revoked (backbone.access). An assertion works once: its jti is
kept in the service's database until it expires, so no instance accepts it again, even after a restart. Cryptography is joserfc's; nothing here is hand-rolled.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from base64 import b64decode
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from backbone.access import first_use_of_assertion

log = logging.getLogger(__name__)

TOKEN_PATH = "/oauth2/token"
TOKEN_SECONDS = 300
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_MAX_SECONDS = 300
MAX_JTI_LENGTH = 256  # stored until the assertion expires: a uuid is 36
ASSERTION_ALGORITHMS = ["RS256", "RS512", "ES256", "ES384", "PS256", "PS512"]


def load_signing_key(path: Path | None) -> ECKey:
    """The key this service signs access tokens with: a private EC P-256 JWK from ``path``, or, without one, a
    key made at start-up (tokens then end with the process, and a partner asks for a new one: fine for one
    instance; several instances behind one address need the same file)."""
    if path is None:
        return ECKey.generate_key("P-256", private=True, auto_kid=True)
    return ECKey.import_key(json.loads(path.read_text()))


class TokenIssuer:
    def __init__(self, issuer: str, key: ECKey, lifetime_seconds: int = TOKEN_SECONDS):
        self.issuer, self._key, self._lifetime = issuer, key, lifetime_seconds

    def issue(self, client_id: str, scopes: list[str]) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.issuer, "sub": client_id, "scope": " ".join(sorted(scopes)),
                  "iat": now, "exp": now + self._lifetime, "jti": str(uuid.uuid4())}
        return jwt.encode({"alg": "ES256", "kid": self._key.kid}, claims, self._key)

    def verify(self, token: str) -> dict | None:
        """The token's claims when this service signed it and it has not expired; else None."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=["ES256"])
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": self.issuer}, aud={"essential": True, "value": self.issuer},
                                  sub={"essential": True}, exp={"essential": True}).validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return decoded.claims


def _error(status: int, error: str, description: str, extra_headers: dict | None = None) -> JSONResponse:
    headers = {"Cache-Control": "no-store", **(extra_headers or {})}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="token"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def token_router() -> APIRouter:
    router = APIRouter(tags=["authentication"])

    form_fields = {"grant_type": {"type": "string", "enum": ["client_credentials"]}, "scope": {"type": "string"},
                   "client_id": {"type": "string"}, "client_secret": {"type": "string"},
                   "client_assertion_type": {"type": "string", "enum": [ASSERTION_TYPE]}, "client_assertion": {"type": "string"}}
    error = {"application/json": {"schema": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"}, "error_description": {"type": "string"}}}}}

    @router.post(TOKEN_PATH, openapi_extra={"requestBody": {"required": True, "content": {
                     "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["grant_type"],
                                                                       "properties": form_fields}}}}},
                 responses={400: {"description": "malformed request or scope not held", "content": error},
                            401: {"description": "the client could not be authenticated", "content": error},
                            413: {"description": "the form is too large"},
                            429: {"description": "too many requests or failed attempts: retry after Retry-After"},
                            503: {"description": "the service cannot check the assertion now: retry after Retry-After",
                                  "content": error}})
    async def token(request: Request) -> JSONResponse:
        """Client credentials grant: a signed JWT client assertion or a client secret, for an access token."""
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return _error(400, "invalid_request", "send the form as application/x-www-form-urlencoded")
        try:
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode(), strict_parsing=False).items()}
        except UnicodeDecodeError:
            return _error(400, "invalid_request", "the form is not UTF-8")
        if form.get("grant_type") != "client_credentials":
            return _error(400, "unsupported_grant_type", "grant_type must be client_credentials")
        registry = request.app.state.clients
        if "client_assertion" in form:
            # The audience a client signs for: this service's token URL as configured (a Host header is the
            # caller's to choose), or, unconfigured (development), as the request reached it.
            token_url = request.app.state.runtime.settings.token_url or str(request.url_for("token"))
            client, claims = _by_assertion(registry, form, token_url)
            try:  # single use, whichever instance saw it first and however long ago it restarted
                if client and not await first_use_of_assertion(request.app.state.runtime.sessions, client.client_id,
                                                               str(claims["jti"]), claims["exp"]):
                    client = None
            except Exception:
                log.exception("could not record a client assertion as used")
                return _error(503, "temporarily_unavailable", "try again shortly", {"Retry-After": "5"})
        else:
            client = _by_secret(registry, form, request.headers.get("authorization", ""))
        if client is None:
            return _error(401, "invalid_client", "the client could not be authenticated")
        asked = set(form["scope"].split()) if form.get("scope") else set(client.scopes)
        if not asked <= client.scopes:
            return _error(400, "invalid_scope", "a requested scope is not held by this client")
        access_token = request.app.state.token_issuer.issue(client.client_id, sorted(asked))
        return JSONResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
                             "scope": " ".join(sorted(asked))}, headers={"Cache-Control": "no-store"})

    return router


def _by_secret(registry, form: dict, authorization: str):
    client_id, secret = form.get("client_id"), form.get("client_secret")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = b64decode(encoded, validate=True).decode().partition(":")
        except ValueError:
            return None
    entry = registry.entry(client_id or "")
    if not entry or not secret or not entry.get("secret_sha256"):
        return None
    if not hmac.compare_digest(entry["secret_sha256"], hashlib.sha256(secret.encode()).hexdigest()):
        return None
    return registry.client(entry["client_id"])


def _by_assertion(registry, form: dict, token_url: str) -> tuple:
    """(the client, the assertion's claims) when the assertion is signed by a registered client's key, names
    this token endpoint, and has a jti and a near enough expiry; else (None, None). Its single use is the
    caller's to check."""
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        return None, None
    assertion = form["client_assertion"]
    try:
        unverified = json.loads(jws.extract_compact(assertion.encode()).payload)
        if not isinstance(unverified, dict):
            return None, None
        entry = registry.entry(str(unverified.get("iss", "")))
        if not entry or not entry.get("jwks"):
            return None, None
        decoded = jwt.decode(assertion, KeySet.import_key_set(entry["jwks"]), algorithms=ASSERTION_ALGORITHMS)
        claims = decoded.claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": entry["client_id"]},
                              sub={"essential": True, "value": entry["client_id"]},
                              aud={"essential": True, "value": token_url}, exp={"essential": True},
                              jti={"essential": True}).validate(claims)
    except (JoseError, ValueError, TypeError, UnicodeDecodeError):
        return None, None
    if claims["exp"] > time.time() + ASSERTION_MAX_SECONDS or len(str(claims["jti"])) > MAX_JTI_LENGTH:
        return None, None
    return registry.client(entry["client_id"]), claims
