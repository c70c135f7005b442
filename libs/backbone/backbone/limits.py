"""Limits before work: a request with a body is authenticated and measured before anyone reads it.

An unauthenticated 100 MB body used to be read and parsed before the token was checked. This ASGI
middleware answers 401 for a body sent without a valid bearer token, and 413 for a body larger than the
limit (by Content-Length, or by counting a chunked body as it arrives), before the application reads it.
"""

import json

from backbone.auth import ClientRegistry

BODY_METHODS = {b"POST", b"PUT", b"PATCH"}


class BodyTooLarge(BaseException):
    """A BaseException so that it passes through FastAPI's body parsing (which turns any Exception into a 400)
    back to this middleware."""


class RequestLimits:
    def __init__(self, app, clients: ClientRegistry, max_body_bytes: int):
        self.app, self.clients, self.max_body_bytes = app, clients, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"].encode() not in BODY_METHODS:
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if not self._authenticated(headers.get(b"authorization", b"")):
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
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _answer(send, 413, f"the body is larger than {self.max_body_bytes} bytes")

    def _authenticated(self, authorization: bytes) -> bool:
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        return scheme.lower() == "bearer" and self.clients.authenticate(token.strip()) is not None


async def _answer(send, status: int, reason: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
