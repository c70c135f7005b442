"""The HTTP shell every service shares: health, Prometheus metrics, request metrics, error shape."""

import gc
import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backbone.access import follow_revocations, revoked_clients
from backbone.audit import record_refusal
from backbone.auth import ClientRegistry
from backbone.errors import Conflict, InputError, NotKnownYet, conflict_handler, input_error_handler, not_known_yet_handler, validation_error_handler
from backbone.limits import UNLIMITED_PATHS, RequestLimits
from backbone.oauth import TOKEN_PATH, TokenIssuer, load_signing_key, token_router
from backbone.requests import configure_child_id_format
from backbone.runtime import ServiceRuntime

log = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "HTTP requests by route template (never the raw path: paths hold child ids)",
    ["method", "route", "status"],
)


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


async def http_error_handler(request: Request, error: StarletteHTTPException) -> Response:
    """FastAPI's answer, except that a 405's Allow header names the methods of every route at the path
    (Starlette names only the first route's: GET and PATCH on /children/{id} are two routes)."""
    if error.status_code != 405:
        return await http_exception_handler(request, error)
    allowed = sorted({method for route in request.app.routes if isinstance(route, Route)
                      and route.matches(request.scope)[0] != Match.NONE for method in route.methods or ()})
    return JSONResponse({"detail": error.detail}, 405, headers={"Allow": ", ".join(allowed)})


class MeasureAndAuditRefusals:
    """Times every request by route template and status, and audits refused attempts at a child's record
    (services that keep an audit log). Plain ASGI: no extra task or stream per request."""

    def __init__(self, app, sessions, clients: ClientRegistry, audit_refusals: bool):
        self.app, self.sessions, self.clients, self.audit_refusals = app, sessions, clients, audit_refusals

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), 500  # an exception escaping the app is answered with 500
        # Bounded labels: a made-up method is "other", an unknown path "unmatched" (never the raw path).
        method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"

        async def send_and_note(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if self.audit_refusals and 400 <= status < 500:
                    await self._audit_refusal(scope, method, status)  # before the answer leaves, as for an access
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", None)
            REQUEST_SECONDS.labels(method, route or "unmatched", str(status)).observe(time.perf_counter() - started)

    async def _audit_refusal(self, scope, method: str, status: int) -> None:
        try:
            await record_refusal(self.sessions, self.clients, method, scope["path"],
                                 getattr(scope.get("route"), "path", None), Headers(scope=scope), status,
                                 (scope.get("client") or ("unknown",))[0])
        except Exception:  # the refusal stands; a failure to audit it is logged, not turned into a 500
            log.exception("could not audit a refused request")


_ERROR_BODY = {"application/json": {"schema": {"type": "object", "required": ["detail"], "properties": {"detail": {}}}}}
# What any partner-facing operation may answer besides its own responses (backbone.limits, backbone.auth,
# FastAPI's body parsing): documented on every operation so a partner's client, and the fuzzing in the
# tests, know them all.
COMMON_RESPONSES = {
    "400": "The body is not valid JSON text (e.g. not UTF-8).",
    "401": "No valid bearer token (an access token from POST /oauth2/token, or a registered static token).",
    "403": "The client does not hold the scope this operation needs.",
    "413": "The body is larger than the service accepts (refused before it is read).",
    "429": "Too many requests from this client or address: retry after the Retry-After header's seconds.",
}


def _document_common_responses(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        for path, operations in schema.get("paths", {}).items():
            if path.startswith(UNLIMITED_PATHS) or path == TOKEN_PATH:
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": _ERROR_BODY})
                if "{" in path:
                    responses.setdefault("404", {"description": "No such record (or KPI).", "content": _ERROR_BODY})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def create_service_app(runtime: ServiceRuntime, title: str, configure: Callable[[FastAPI], None],
                       audit_refusals: bool = True) -> FastAPI:
    """``audit_refusals``: record refused attempts at a child's record in audit_log (services that keep one)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await runtime.start()
        # What start-up made (modules, routes, schemas) lives as long as the process: out of the collector's
        # sight, so a full collection under load walks only what requests made (it was the p99 of writes).
        gc.freeze()
        yield
        await runtime.stop()

    configure_child_id_format(runtime.settings.child_id_pattern)
    production = runtime.settings.environment == "production"
    # No interactive docs or schema in production: partners get the OpenAPI document with their credentials.
    app = FastAPI(title=title, lifespan=lifespan, **({"docs_url": None, "redoc_url": None, "openapi_url": None} if production else {}))
    app.state.runtime = runtime
    app.state.token_issuer = TokenIssuer(f"urn:cla:{runtime.settings.service_name}",
                                         load_signing_key(runtime.settings.token_signing_key_file))
    app.state.clients = ClientRegistry(runtime.settings.api_clients(), app.state.token_issuer)

    async def read_revocations() -> None:  # before serving: a restarted instance never lets a revoked client in
        app.state.clients.set_revoked(await revoked_clients(runtime.sessions))

    runtime.before_start(read_revocations)
    runtime.run_in_background(lambda: follow_revocations(runtime.sessions, app.state.clients))
    app.include_router(token_router())
    app.add_exception_handler(InputError, input_error_handler)
    app.add_exception_handler(Conflict, conflict_handler)
    app.add_exception_handler(NotKnownYet, not_known_yet_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    # Added before MeasureAndAuditRefusals, so inside it: its 401s, 413s and 429s are measured and audited too.
    settings = runtime.settings
    app.add_middleware(RequestLimits, clients=app.state.clients, max_body_bytes=settings.max_body_bytes,
                       requests_per_second=settings.rate_limit_per_second, burst=settings.rate_limit_burst,
                       failed_authentications_per_minute=settings.failed_authentications_per_minute)

    app.add_middleware(MeasureAndAuditRefusals, sessions=runtime.sessions, clients=app.state.clients,
                       audit_refusals=audit_refusals)
    # Outermost: the client address every limit and audit row uses is a forwarded one only when the request
    # came through a proxy named in TRUSTED_PROXIES (none by default; uvicorn runs with --no-proxy-headers).
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    @app.get("/health/live", tags=["operations"])
    async def live() -> dict:
        return {"status": "live"}

    @app.get("/health/ready", tags=["operations"])
    async def ready() -> JSONResponse:
        """Ready while the database answers: partners' requests need nothing else. A broker outage shows in
        the checks ("broker": false) and in the alerts, not as a 503: writes go on into the outbox, and an
        orchestrator that stopped routing to every instance would refuse them all (docs/operations.md)."""
        checks = await runtime.readiness()
        ok = checks["database"]
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, 200 if ok else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    configure(app)
    _document_common_responses(app)
    return app
