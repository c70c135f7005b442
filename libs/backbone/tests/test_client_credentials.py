"""OAuth2 client credentials: a signed JWT client assertion or a client secret buys a short-lived signed access
token that the service verifies; the admin command creates, lists, rotates and revokes clients."""

import json
import time
import uuid

import httpx
import pytest
from fastapi import FastAPI
from joserfc import jws, jwt
from joserfc.jwk import ECKey, RSAKey

from backbone.auth import ApiClient, require_scope
from backbone.clients import main as clients_command
from backbone.http import create_service_app
from backbone.oauth import TOKEN_PATH, TokenIssuer
from backbone.runtime import ServiceRuntime
from backbone.settings import ServiceSettings

BASE = "http://test"
TOKEN_URL = f"{BASE}{TOKEN_PATH}"
SECRETS = {}  # clients file -> the secret printed when health-provider was created


@pytest.fixture
def partner_key():
    return RSAKey.generate_key(2048, private=True, auto_kid=True)


@pytest.fixture
def clients_file(tmp_path, partner_key, capsys):
    path = tmp_path / "clients.json"
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [partner_key.as_dict(private=False)]}))
    clients_command(["--file", str(path), "create", "case-system", "--scope", "placements:write",
                     "--scope", "placements:read", "--jwks-file", str(tmp_path / "jwks.json"), "--no-secret"])
    clients_command(["--file", str(path), "create", "health-provider", "--scope", "health:write"])
    SECRETS[path] = capsys.readouterr().out.rsplit("(shown once): ", 1)[1].strip()
    return path


@pytest.fixture(scope="module")
def database_url(make_database):
    """The service's database: where used client assertions are kept (single use across restarts)."""
    return make_database("placements", "oauth_clients")


def make_app(clients_file, database_url: str) -> FastAPI:
    runtime = ServiceRuntime(ServiceSettings(service_name="oauth-test", database_url=database_url,
                                             environment="test", api_clients_file=clients_file))

    def configure(app: FastAPI):
        @app.post("/children/{child_id}/records")
        async def write(child_id: str, client: ApiClient = require_scope("placements:write")):
            return {"client": client.client_id}

        @app.post("/children/{child_id}/health")
        async def health(child_id: str, client: ApiClient = require_scope("health:write")):
            return {"client": client.client_id}

    return create_service_app(runtime, "oauth test", configure, audit_refusals=False)


async def call(clients_file, database_url, steps):
    app = make_app(clients_file, database_url)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
        try:
            return await steps(http)
        finally:
            await app.state.runtime.engine.dispose()


def assertion(key, client_id="case-system", audience=TOKEN_URL, lifetime=120, jti=None) -> str:
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": jti or str(uuid.uuid4()),
              "iat": now, "exp": now + lifetime}
    return jwt.encode({"alg": "RS512", "kid": key.kid}, claims, key, algorithms=["RS512"])  # the NHS platform's


def assertion_form(signed: str, **extra) -> dict:
    return {"grant_type": "client_credentials", "client_assertion": signed,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", **extra}


async def test_a_signed_client_assertion_buys_a_short_lived_token_that_opens_the_clients_scopes(clients_file, database_url, partner_key):
    async def steps(http):
        answer = await http.post(TOKEN_PATH, data=assertion_form(assertion(partner_key)))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 300
        assert body["scope"] == "placements:read placements:write"
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await http.post("/children/c1/records", headers=bearer)).json() == {"client": "case-system"}
        assert (await http.post("/children/c1/health", headers=bearer)).status_code == 403
    await call(clients_file, database_url, steps)


async def test_a_client_secret_buys_a_token_too_and_may_ask_for_fewer_scopes(clients_file, database_url):
    async def steps(http):
        form = {"grant_type": "client_credentials", "client_id": "health-provider", "client_secret": SECRETS[clients_file]}
        answer = await http.post(TOKEN_PATH, data=form)
        assert answer.status_code == 200 and answer.json()["scope"] == "health:write"
        basic = await http.post(TOKEN_PATH, data={"grant_type": "client_credentials"},
                                auth=("health-provider", SECRETS[clients_file]))
        assert basic.status_code == 200
        more = await http.post(TOKEN_PATH, data={**form, "scope": "health:write placements:write"})
        assert more.status_code == 400 and more.json()["error"] == "invalid_scope"
    await call(clients_file, database_url, steps)


@pytest.mark.parametrize("case", ["wrong key", "wrong audience", "too long", "replayed", "unknown client", "wrong secret",
                                  "no grant", "not a jwt", "not an object"])
async def test_bad_credentials_get_no_token(clients_file, database_url, partner_key, case):
    other = RSAKey.generate_key(2048, private=True, auto_kid=True)
    forms = {
        "wrong key": assertion_form(assertion(other)),
        "wrong audience": assertion_form(assertion(partner_key, audience="https://elsewhere/token")),
        "too long": assertion_form(assertion(partner_key, lifetime=3600)),
        "unknown client": assertion_form(assertion(partner_key, client_id="nobody")),
        "wrong secret": {"grant_type": "client_credentials", "client_id": "health-provider", "client_secret": "guess"},
        "no grant": {"client_id": "health-provider", "client_secret": SECRETS[clients_file]},
        "not a jwt": assertion_form("a.b.c"),
        "not an object": assertion_form(jws.serialize_compact({"alg": "RS512"}, b"[1]", partner_key, algorithms=["RS512"])),
    }

    async def steps(http):
        if case == "replayed":
            form = assertion_form(assertion(partner_key))
            assert (await http.post(TOKEN_PATH, data=form)).status_code == 200
            answer = await http.post(TOKEN_PATH, data=form)
        else:
            answer = await http.post(TOKEN_PATH, data=forms[case])
        assert answer.status_code == (400 if case == "no grant" else 401), answer.text
        assert "access_token" not in answer.text
    await call(clients_file, database_url, steps)


async def test_expired_forged_and_revoked_tokens_are_refused(clients_file, database_url, partner_key, capsys):
    async def steps(http):
        app = http._transport.app
        issuer: TokenIssuer = app.state.token_issuer
        forged = TokenIssuer(issuer.issuer, ECKey.generate_key("P-256", private=True, auto_kid=True))
        expired = TokenIssuer(issuer.issuer, issuer._key, lifetime_seconds=-10)
        for token in (forged.issue("case-system", ["placements:write"]), expired.issue("case-system", ["placements:write"])):
            answer = await http.post("/children/c1/records", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401
        good = issuer.issue("case-system", ["placements:write"])
        assert (await http.post("/children/c1/records", headers={"Authorization": f"Bearer {good}"})).status_code == 200
        return good

    good = await call(clients_file, database_url, steps)
    clients_command(["--file", str(clients_file), "revoke", "case-system"])

    async def after_revocation(http):
        # A restarted service reads the revocation: a token it would have accepted no longer opens anything.
        issuer = http._transport.app.state.token_issuer
        token = TokenIssuer(issuer.issuer, issuer._key).issue("case-system", ["placements:write"])
        assert (await http.post("/children/c1/records", headers={"Authorization": f"Bearer {token}"})).status_code == 401
        assert (await http.post(TOKEN_PATH, data=assertion_form(assertion(partner_key)))).status_code == 401
    await call(clients_file, database_url, after_revocation)
    assert good


def test_the_admin_command_lists_and_rotates_without_storing_secrets(clients_file, capsys):
    before = json.loads(clients_file.read_text())
    assert SECRETS[clients_file] not in clients_file.read_text()  # only its SHA-256
    clients_command(["--file", str(clients_file), "rotate", "health-provider"])
    new_secret = capsys.readouterr().out.rsplit("(shown once): ", 1)[1].strip()
    after = json.loads(clients_file.read_text())
    assert new_secret != SECRETS[clients_file]
    assert after[1]["secret_sha256"] != before[1]["secret_sha256"]
    clients_command(["--file", str(clients_file), "list"])
    listing = capsys.readouterr().out
    assert "case-system" in listing and "jwt-assertion" in listing and "health-provider" in listing
    assert new_secret not in listing
    with pytest.raises(SystemExit):
        clients_command(["--file", str(clients_file), "create", "health-provider", "--scope", "x"])
