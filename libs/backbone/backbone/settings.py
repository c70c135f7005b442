"""Settings every service shares; each service subclasses ServiceSettings for its own."""

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Tokens for local runs and tests only: production refuses to start with this file.
DEV_CLIENTS_FILE = Path(__file__).parent / "dev_clients.json"


EXAMPLE_PASSWORD = "change-me"  # the placeholder in .env.example


def development_token_hashes() -> set[str]:
    """SHA-256 of every public development token (those infra/clients/clients.example.json uses too)."""
    return {hashlib.sha256(c["dev_token_hint"].encode()).hexdigest() for c in json.loads(DEV_CLIENTS_FILE.read_text())}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str
    # Required, never assumed: a production instance must not run as "local" because the variable was forgotten.
    environment: Literal["local", "test", "production"]
    database_url: str
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Apache Kafka supports the idempotent producer; some embedded brokers (Tansu) do not.
    kafka_enable_idempotence: bool = True
    api_clients_file: Path = DEV_CLIENTS_FILE
    # The private key access tokens are signed with (`python -m backbone.clients --file F signing-key`). Without
    # one a key is made at start-up and tokens last until a restart; instances sharing an address need the file.
    token_signing_key_file: Path | None = None
    # This service's token endpoint as partners reach it (e.g. https://placements.council.example/oauth2/token):
    # the audience client assertions must name. Set it in production; unset, the request's own URL is used.
    token_url: str | None = None
    # Housekeeping (backbone.housekeeping): how long published outbox rows, idempotency keys and processed-event
    # ids are kept. Duplicate protection must outlast any retry or redelivery (minutes): days are ample.
    outbox_retention_days: float = Field(7, ge=1)
    idempotency_retention_days: float = Field(30, ge=1)
    processed_events_retention_days: float = Field(30, ge=1)
    # Counts of refused attempts without a valid credential, per source and minute (backbone.access).
    refused_attempts_retention_days: float = Field(30, ge=1)
    housekeeping_interval_seconds: float = 3600
    # The council's pseudonymous child id format, a regular expression every child id must match in full
    # (NHS-number and UPN shapes are refused whatever it says). Unset: letters, digits, _ and -, up to 64.
    child_id_pattern: str | None = None
    outbox_poll_seconds: float = 0.5
    # Static group membership: unique per running instance of a service. Defaults to <service>-<host name>,
    # which is unique per container; set it when several instances share a host.
    consumer_instance_id: str | None = None
    # A partner posts one record at a time (a few hundred bytes); larger bodies are refused with 413 unread.
    max_body_bytes: int = 1_048_576
    # Per client and per source address, each instance: a steady rate with bursts; then 429 with Retry-After.
    rate_limit_per_second: float = 200
    rate_limit_burst: int = 400
    # Failed authentications a source may make in a minute before it must wait (even with a right token).
    failed_authentications_per_minute: int = 30
    # The proxies (addresses or networks, comma-separated) whose X-Forwarded-For / -Proto are believed: the
    # client address the limits, refusal counts and logs use. None by default: anyone can write those headers.
    trusted_proxies: Annotated[list[str], NoDecode] = []

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self):
        # By value: a development token's hash, wherever it appears, not just a file that looks like ours.
        if self.environment == "production" and {c.get("token_sha256") for c in self.api_clients()} & development_token_hashes():
            raise ValueError("API_CLIENTS_FILE holds development tokens: production needs its own client list")
        if self.environment == "production" and EXAMPLE_PASSWORD in self.database_url:
            raise ValueError(f"DATABASE_URL holds .env.example's placeholder password {EXAMPLE_PASSWORD!r}: set a real one")
        return self

    @property
    def async_database_url(self) -> str:
        return to_asyncpg_url(self.database_url)

    def api_clients(self) -> list[dict]:
        return json.loads(self.api_clients_file.read_text())


def to_asyncpg_url(url: str) -> str:
    """Accept plain postgresql:// URLs (as ops write them) and use the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url}")
