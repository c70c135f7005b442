"""Access control that holds across restarts and instances, against the placements service run as make run and
the images run it (uvicorn, its own database): a revocation takes effect on the running service, a client
assertion works once even after a restart, strangers cannot fill the audit log, and X-Forwarded-For from
an address that is no configured proxy changes nothing.

Each test speaks from its own loopback address (127.0.0.x), so that one test's failed authentications do not
lock another out: the failed-authentication limit counts per source address."""

import json
import time
import uuid

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from backbone.clients import main as clients_command
from backbone.settings import DEV_CLIENTS_FILE
from devstack.infra import free_port
from devstack.partners import DEV_TOKENS
from devstack.stack import ServiceStack

pytestmark = pytest.mark.integration
FAILED_AUTHENTICATIONS_PER_MINUTE = 10
JWT_CLIENT = "records-system"


@pytest.fixture(scope="module")
def partner_key():
    return RSAKey.generate_key(2048, private=True, auto_kid=True)


@pytest.fixture(scope="module")
def placements(database_server, kafka_bootstrap, tmp_path_factory, partner_key):
    """The placements service alone, with the development clients and one client signing JWT assertions."""
    folder = tmp_path_factory.mktemp("access")
    clients_file = folder / "clients.json"
    clients_file.write_text(DEV_CLIENTS_FILE.read_text())
    (folder / "jwks.json").write_text(json.dumps({"keys": [partner_key.as_dict(private=False)]}))
    clients_command(["--file", str(clients_file), "create", JWT_CLIENT, "--scope", "placements:read",
                     "--scope", "placements:write", "--jwks-file", str(folder / "jwks.json"), "--no-secret"])
    port = free_port()
    stack = ServiceStack(database_server, kafka_bootstrap, folder / "logs", ports={"placements": port},
                         database_prefix="access_", only=["placements"],
                         env={"API_CLIENTS_FILE": str(clients_file), "TOKEN_URL": f"http://127.0.0.1:{port}/oauth2/token",
                              "FAILED_AUTHENTICATIONS_PER_MINUTE": str(FAILED_AUTHENTICATIONS_PER_MINUTE)})
    try:
        stack.start()
        stack.clients_file = clients_file
        yield stack
    finally:
        stack.stop()


def from_address(stack: ServiceStack, address: str) -> httpx.Client:
    """A client whose requests come from ``address`` (a loopback address other than 127.0.0.1 is another source)."""
    return httpx.Client(base_url=stack.url("placements"), timeout=10,
                        transport=httpx.HTTPTransport(local_address=address))


def assertion(key, stack: ServiceStack) -> dict:
    now = int(time.time())
    claims = {"iss": JWT_CLIENT, "sub": JWT_CLIENT, "aud": f"{stack.url('placements')}/oauth2/token",
              "jti": str(uuid.uuid4()), "iat": now, "exp": now + 240}
    return {"grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": jwt.encode({"alg": "RS512", "kid": key.kid}, claims, key, algorithms=["RS512"])}


def read_child(http: httpx.Client, token: str, child: str = "NOT-KNOWN") -> int:
    """The status of a read of a child's record: 422 (no such child) when the token is good."""
    return http.get(f"/children/{child}", headers={"Authorization": f"Bearer {token}", "X-Purpose": "test"}).status_code


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f}s")
        time.sleep(0.1)


def test_an_assertion_works_once_even_after_a_restart_and_a_revocation_stops_the_running_service(placements, partner_key):
    http = from_address(placements, "127.0.0.2")
    used = assertion(partner_key, placements)
    answer = http.post("/oauth2/token", data=used)
    assert answer.status_code == 200, answer.text
    assert read_child(http, answer.json()["access_token"]) == 422
    assert http.post("/oauth2/token", data=used).status_code == 401  # replayed at the same instance

    placements.stop()  # a restart: nothing of the first process's memory is left
    placements.start_more(["placements"])
    http.close()
    http = from_address(placements, "127.0.0.2")
    assert http.post("/oauth2/token", data=used).status_code == 401  # replayed after the restart, within its lifetime

    token = http.post("/oauth2/token", data=assertion(partner_key, placements)).json()["access_token"]
    assert read_child(http, token) == 422
    clients_command(["--file", str(placements.clients_file), "revoke", JWT_CLIENT,
                     "--database-url", placements.database_urls["placements"]])
    # The running service refuses the token it issued and any new assertion, without a restart.
    wait_until(lambda: read_child(http, token) == 401, 5, "the revoked client's token refused")
    assert http.post("/oauth2/token", data=assertion(partner_key, placements)).status_code == 401
    http.close()


def test_strangers_cannot_fill_the_audit_log(placements):
    http = from_address(placements, "127.0.0.3")
    statuses = [read_child(http, f"guess-{n}", child=f"FLOOD-{n}") for n in range(2000)]
    http.close()
    assert set(statuses) == {401, 429}  # refused: bad token, then locked out
    assert placements.query("placements", "SELECT count(*) FROM audit_log WHERE child_id LIKE 'FLOOD-%'")[0][0] == 0
    counted = placements.query("placements", "SELECT minute, resource, status, attempts FROM refused_attempts WHERE source = '127.0.0.3'")
    # A row per minute, resource and answer (the route's 401, the limit's 429 before any route; the run spans
    # a minute or two), holding no child id; the counts add up to every attempt.
    assert len(counted) <= 2 * 2 and {r["resource"] for r in counted} <= {"/children/{child_id}", "(unmatched)"}
    assert sum(r["attempts"] for r in counted) == 2000


def test_an_authenticated_refusal_is_still_audited_row_by_row(placements):
    child = f"UNKNOWN-{uuid.uuid4().hex[:6]}"
    http = from_address(placements, "127.0.0.4")
    assert read_child(http, DEV_TOKENS["health-provider"], child) == 403  # may not read placements
    http.close()
    rows = placements.query("placements", "SELECT client_id, resource, outcome FROM audit_log WHERE child_id = $1", child)
    assert [tuple(r) for r in rows] == [("health-provider", "/children/{child_id}", "403")]


def test_x_forwarded_for_from_an_address_that_is_no_configured_proxy_changes_nothing(placements):
    # uvicorn's default believes X-Forwarded-For from 127.0.0.1: a new made-up address per request would be a
    # new source each time, never locked out.
    http = from_address(placements, "127.0.0.1")
    answers = [http.get("/children/X1", headers={"Authorization": f"Bearer guess-{n}", "X-Forwarded-For": f"203.0.113.{n}"})
               for n in range(FAILED_AUTHENTICATIONS_PER_MINUTE + 5)]
    assert [a.status_code for a in answers[:FAILED_AUTHENTICATIONS_PER_MINUTE]] == [401] * FAILED_AUTHENTICATIONS_PER_MINUTE
    assert {a.status_code for a in answers[FAILED_AUTHENTICATIONS_PER_MINUTE:]} == {429}
    # Locked out, even with the right token and yet another forwarded address.
    right = http.get("/children/X1", headers={"Authorization": f"Bearer {DEV_TOKENS['case-system']}",
                                              "X-Purpose": "test", "X-Forwarded-For": "198.51.100.7"})
    http.close()
    assert right.status_code == 429
    counted = placements.query("placements", "SELECT DISTINCT source FROM refused_attempts WHERE source <> ALL($1)",
                    ["127.0.0.2", "127.0.0.3", "127.0.0.4"])
    assert [r["source"] for r in counted] == ["127.0.0.1"]  # the real peer, never a forwarded address
