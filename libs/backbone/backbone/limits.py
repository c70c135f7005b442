"""Limits before work: rates, failed authentication, and bodies are checked before anyone reads a request.

This ASGI middleware answers, before the application does any work:
- 429 with Retry-After when a client (by its token) or a source address sends faster than its rate, or when
  a source has failed authentication too often lately (then even a right token waits: guessing stops);
- 401 for a body sent without a valid bearer token, and 413 for a body larger than the limit (by
  Content-Length, or by counting a chunked body as it arrives), without reading it.
The counters live in the process: each instance of a service limits what reaches it, and a restart forgets
them. So they protect an instance from overload and slow a guesser down; with N instances a source gets N
times as much. Nothing else rests on them (README, "A partner request"): revocation and single-use
assertions are in the database (backbone.access). The source is the connecting address, or a forwarded one
only from TRUSTED_PROXIES (backbone.http).
"""

import json
import math
import time

from backbone.auth import ClientRegistry
from backbone.oauth import TOKEN_PATH

BODY_METHODS = {"POST", "PUT", "PATCH"}
UNLIMITED_PATHS = ("/health/", "/metrics")  # probes and scrapes


class TokenBucket:
    """``rate`` a second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.level, self.updated = burst, time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.burst, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self) -> float:
        """Seconds until one more is allowed (0: allowed now)."""
        self._refill()
        return 0.0 if self.level >= 1 else (1 - self.level) / self.rate

    def take(self) -> float:
        """Take one if allowed; returns the seconds to wait otherwise."""
        wait = self.wait()
        if not wait:
            self.level -= 1
        return wait


class Buckets:
    def __init__(self, rate: float, burst: float, most: int = 10_000):
        self.rate, self.burst, self.most = rate, burst, most
        self._buckets: dict[str, TokenBucket] = {}

    def __getitem__(self, key: str) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.most:  # bounded memory under a spray of addresses
                self._buckets.clear()
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
        return bucket


class BodyTooLarge(BaseException):
    """A BaseException so that it passes through FastAPI's body parsing (which turns any Exception into a 400)
    back to this middleware."""


class RequestLimits:
    def __init__(self, app, clients: ClientRegistry, max_body_bytes: int, requests_per_second: float,
                 burst: int, failed_authentications_per_minute: int):
        self.app, self.clients, self.max_body_bytes = app, clients, max_body_bytes
        self.per_client = Buckets(requests_per_second, burst)
        self.per_source = Buckets(requests_per_second, burst)
        self.failures = Buckets(failed_authentications_per_minute / 60, failed_authentications_per_minute)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        source = (scope.get("client") or ("unknown",))[0]
        client = self._client(headers.get(b"authorization", b""))
        wait = self.failures[source].wait() or self.per_source[source].take()
        if not wait and client:
            wait = self.per_client[client].take()
        if wait:
            return await _answer(send, 429, "too many requests: retry later",
                                 [(b"retry-after", str(math.ceil(wait)).encode())])
        # The token endpoint is where a client without a token authenticates (its failures are counted below).
        if scope["method"] in BODY_METHODS and not client and scope["path"] != TOKEN_PATH:
            self.failures[source].take()
            return await _answer(send, 401, "a valid bearer token is required", [(b"www-authenticate", b"Bearer")])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _answer(send, 413, f"the body is larger than {self.max_body_bytes} bytes")
        received, started = 0, False

        async def counted_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge()
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] == 401:  # refused by the route's own check (a read without a token)
                    self.failures[source].take()
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _answer(send, 413, f"the body is larger than {self.max_body_bytes} bytes")

    def _client(self, authorization: bytes) -> str | None:
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        client = scheme.lower() == "bearer" and self.clients.authenticate(token.strip())
        return client.client_id if client else None


async def _answer(send, status: int, reason: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
