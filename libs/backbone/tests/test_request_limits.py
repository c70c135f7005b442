"""Limits before work and errors that say no more than they must: 401 and 413 before a body is read,
short excerpts in 422s, no client or scope named in 403s, no /docs in production, real identifiers refused."""

import json

import httpx
import pytest
from fastapi import FastAPI

from backbone.auth import ApiClient, require_scope
from backbone.http import create_service_app
from backbone.requests import ChildId, StrictBody
from backbone.runtime import ServiceRuntime
from backbone.settings import DEV_CLIENTS_FILE, ServiceSettings

TOKEN = {"Authorization": "Bearer dev-case-system-token"}


class Record(StrictBody):
    note_code: str


def make_app(**settings) -> FastAPI:
    runtime = ServiceRuntime(ServiceSettings(service_name="limits-test", database_url="postgresql://unused/x",
                                             max_body_bytes=1000, **{"environment": "test", **settings}))
    read = []

    def configure(app: FastAPI):
        @app.post("/children/{child_id}/records")
        async def write(child_id: ChildId, body: Record, client: ApiClient = require_scope("placements:write")):
            read.append(child_id)
            return {"ok": True}

        @app.post("/children/{child_id}/health-records")
        async def health_only(child_id: ChildId, client: ApiClient = require_scope("health:write")):
            return {"ok": True}

    app = create_service_app(runtime, "limits test", configure, audit_refusals=False)  # no database here
    app.state.read = read
    return app


@pytest.fixture
async def client():
    app = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.app = app
        yield client
    await app.state.runtime.engine.dispose()


async def test_a_body_without_a_valid_token_is_refused_before_it_is_read(client):
    received = []

    async def body():  # a stream that records how much of it the server pulled
        for _ in range(100):
            received.append(1)
            yield b"x" * 10_000

    response = await client.post("/children/C1/records", content=body(), headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert len(received) <= 1  # not read: at most the transport's first chunk


async def test_a_body_over_the_limit_gets_413_declared_or_streamed(client):
    declared = await client.post("/children/C1/records", content=b"{" + b" " * 2000 + b"}",
                                 headers={**TOKEN, "Content-Type": "application/json"})
    assert declared.status_code == 413

    async def chunked():
        for _ in range(5):
            yield b" " * 400

    streamed = await client.post("/children/C1/records", content=chunked(), headers={**TOKEN, "Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert client.app.state.read == []


async def test_a_422_echoes_only_a_short_excerpt(client):
    response = await client.post("/children/C1/records", json={"note_code": "x", "name": "A" * 900}, headers=TOKEN)
    assert response.status_code == 422
    problem = next(p for p in response.json()["detail"] if p["loc"] == ["body", "name"])
    assert len(problem["input"]) <= 81 and len(response.content) < 600


async def test_a_403_names_no_client_and_no_scope(client):
    response = await client.post("/children/C1/health-records", headers=TOKEN)
    assert response.status_code == 403
    assert "case-system" not in response.text and "health:write" not in response.text


@pytest.mark.parametrize("child_id", ["9434765919", "943-476-5919", "A12345678901B"])
async def test_real_identifiers_are_refused_as_child_ids(client, child_id):
    response = await client.post(f"/children/{child_id}/records", json={"note_code": "x"}, headers=TOKEN)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["path", "child_id"]
    assert child_id not in response.text  # not echoed back
    assert client.app.state.read == []


async def test_child_ids_follow_the_format_the_council_configures():
    app = make_app(child_id_pattern=r"KIR[0-9]{7}")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            ok = await http.post("/children/KIR0001234/records", json={"note_code": "x"}, headers=TOKEN)
            other = await http.post("/children/LEEDS-0001/records", json={"note_code": "x"}, headers=TOKEN)
        assert ok.status_code == 200
        assert other.status_code == 422 and "council's pseudonymous id format" in other.text
    finally:
        await app.state.runtime.engine.dispose()
        make_app()  # back to the default format for the other tests (the format is process-wide)


async def test_production_serves_no_docs_and_refuses_development_tokens_by_value(tmp_path):
    stripped = [{k: v for k, v in c.items() if k != "dev_token_hint"} for c in json.loads(DEV_CLIENTS_FILE.read_text())]
    without_hints = tmp_path / "clients.json"
    without_hints.write_text(json.dumps(stripped))
    with pytest.raises(ValueError, match="development tokens"):
        make_app(environment="production", api_clients_file=without_hints)
    real = tmp_path / "real.json"
    real.write_text(json.dumps([{"client_id": "c", "token_sha256": "0" * 64, "scopes": []}]))
    app = make_app(environment="production", api_clients_file=real)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 404
    await app.state.runtime.engine.dispose()


async def test_a_client_over_its_rate_gets_429_with_retry_after():
    app = make_app(rate_limit_per_second=1, rate_limit_burst=5)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        answers = [(await client.post("/children/C1/records", json={"note_code": "x"}, headers=TOKEN)) for _ in range(7)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
        assert int(answers[-1].headers["retry-after"]) >= 1
        assert (await client.get("/health/live")).status_code == 200  # probes are never limited
    await app.state.runtime.engine.dispose()


async def test_after_too_many_failed_authentications_even_the_right_token_waits():
    app = make_app(failed_authentications_per_minute=3)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        guesses = [(await client.post("/children/C1/records", json={}, headers={"Authorization": f"Bearer guess-{n}"}))
                   for n in range(3)]
        assert [g.status_code for g in guesses] == [401] * 3
        right = await client.post("/children/C1/records", json={"note_code": "x"}, headers=TOKEN)
        assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    assert app.state.read == []
    await app.state.runtime.engine.dispose()


@pytest.mark.parametrize("raw", [b'{"note_code": "a\\u0000b"}', b'{"note_code": "a\\ud800b"}'])
async def test_text_postgresql_cannot_store_is_a_422_not_a_500(client, raw):
    response = await client.post("/children/C1/records", content=raw, headers={**TOKEN, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "note_code"]
    assert client.app.state.read == []


@pytest.mark.parametrize("trusted_proxies, right_token_answer", [("", 429), ("127.0.0.1, 10.0.0.0/8", 200)])
async def test_x_forwarded_for_names_the_source_only_from_a_trusted_proxy(trusted_proxies, right_token_answer):
    """Requests here come from 127.0.0.1 (httpx's ASGI transport). Untrusted, its X-Forwarded-For is ignored:
    three failures lock 127.0.0.1 out, whatever address the next request claims. Trusted (a proxy named in
    TRUSTED_PROXIES), each forwarded address is a source of its own."""
    app = make_app(failed_authentications_per_minute=3, trusted_proxies=trusted_proxies)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for n in range(3):
            guess = await client.post("/children/C1/records", json={},
                                      headers={"Authorization": f"Bearer guess-{n}", "X-Forwarded-For": "203.0.113.9"})
            assert guess.status_code == 401
        right = await client.post("/children/C1/records", json={"note_code": "x"},
                                  headers={**TOKEN, "X-Forwarded-For": "198.51.100.7"})
        assert right.status_code == right_token_answer
    await app.state.runtime.engine.dispose()
