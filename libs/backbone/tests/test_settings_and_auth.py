import json

import pytest
from pydantic import ValidationError

from backbone.auth import ClientRegistry
from backbone.settings import DEV_CLIENTS_FILE, ServiceSettings, to_asyncpg_url


def test_production_refuses_the_development_tokens(tmp_path):
    with pytest.raises(ValidationError, match="development tokens"):
        ServiceSettings(service_name="x", database_url="postgresql://h/db", environment="production")
    copy = tmp_path / "clients.json"
    copy.write_text(DEV_CLIENTS_FILE.read_text())  # a copy of the dev list is refused too
    with pytest.raises(ValidationError):
        ServiceSettings(service_name="x", database_url="postgresql://h/db", environment="production", api_clients_file=copy)
    real = tmp_path / "real.json"
    real.write_text(json.dumps([{"client_id": "c", "token_sha256": "0" * 64, "scopes": []}]))
    assert ServiceSettings(service_name="x", database_url="postgresql://h/db", environment="production", api_clients_file=real)


def test_production_refuses_the_example_database_password(tmp_path):
    real = tmp_path / "real.json"
    real.write_text(json.dumps([{"client_id": "c", "token_sha256": "0" * 64, "scopes": []}]))
    with pytest.raises(ValidationError, match="placeholder password"):
        ServiceSettings(service_name="x", database_url="postgresql://health:change-me@postgres/health",
                        environment="production", api_clients_file=real)
    assert ServiceSettings(service_name="x", database_url="postgresql://health:change-me@postgres/health",
                           environment="local")  # a local trial may keep it


def test_plain_postgres_urls_use_asyncpg():
    assert to_asyncpg_url("postgresql://u:p@h:5432/db") == "postgresql+asyncpg://u:p@h:5432/db"
    with pytest.raises(ValueError):
        to_asyncpg_url("mysql://h/db")


def test_tokens_are_checked_against_their_hashes():
    registry = ClientRegistry(json.loads(DEV_CLIENTS_FILE.read_text()))
    client = registry.authenticate("dev-health-provider-token")
    assert client.client_id == "health-provider" and "health:write" in client.scopes
    assert "placements:write" not in client.scopes
    assert registry.authenticate("dev-health-provider-tokenX") is None


def test_audited_purposes_lose_their_control_characters():
    from backbone.audit import sanitised

    assert sanitised("review\n2026-01-01 FORGED ENTRY\x1b[31m\x00") == "review 2026-01-01 FORGED ENTRY [31m "
    assert sanitised("réunion du 3 mars – PEP") == "réunion du 3 mars – PEP" and sanitised(None) is None


def test_the_environment_must_be_said_not_assumed(monkeypatch):
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="environment"):
        ServiceSettings(service_name="x", database_url="postgresql://h/db")
