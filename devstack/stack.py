"""Start the five services as processes (uvicorn), wait until they are ready, stop them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from devstack.infra import prepare_databases, run_blocking
from devstack.processes import stop_leftover, terminate
from devstack.services import SERVICES, Service
from devstack.waiting import behind, wait_until


class ServiceStack:
    def __init__(self, database_server: str, bootstrap: str, log_dir: Path, ports: dict[str, int] | None = None,
                 database_prefix: str = "", env: dict[str, str] | None = None, pid_dir: Path | None = None,
                 only: list[str] | None = None):
        self.database_server = database_server
        self.bootstrap = bootstrap
        self.log_dir = log_dir
        self.ports = ports or {s.name: s.port for s in SERVICES}
        self.database_prefix = database_prefix
        self.extra_env = env or {}
        self.pid_dir = pid_dir  # where make run keeps pid files, to stop what a killed run left behind
        self.database_urls: dict[str, str] = {}  # each service's own role: rows only
        self.owner_urls: dict[str, str] = {}  # the owner role: migrations, replays
        self._processes: dict[str, subprocess.Popen] = {}
        self.only = only  # the services to start (all of them when None); start_more() starts others later

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def env_for(self, service: Service) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_urls[service.name],
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "OUTBOX_POLL_SECONDS": "0.5",
            "ENVIRONMENT": "local",
            "COUNCIL_LA_CODE": "E08000034",  # the demo council: Kirklees (placements reads it)
            **self.extra_env,
        }

    def start(self, timeout: float = 90) -> "ServiceStack":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.database_urls, self.owner_urls = prepare_databases(self.database_server, self.database_prefix)
        return self.start_more([s.name for s in SERVICES if self.only is None or s.name in self.only], timeout)

    def start_more(self, names: list[str], timeout: float = 90) -> "ServiceStack":
        """Start these services too (their databases are ready) and wait until they are."""
        for service in (s for s in SERVICES if s.name in names):
            command = [sys.executable, "-m", "uvicorn", "--factory", f"{service.package}.main:create_app",
                       "--host", "127.0.0.1", "--port", str(self.ports[service.name]), "--no-access-log",
                       "--no-proxy-headers"]  # forwarded headers: only from TRUSTED_PROXIES (backbone.http)
            if self.pid_dir:
                self.pid_dir.mkdir(parents=True, exist_ok=True)
                stop_leftover(self.pid_dir / f"{service.name}.pid", marker=" ".join(command[3:]))
            with open(self.log_dir / f"{service.name}.log", "ab") as log:
                self._processes[service.name] = subprocess.Popen(
                    command, env=self.env_for(service), stdout=log, stderr=subprocess.STDOUT, cwd=service.directory,
                )
            if self.pid_dir:
                (self.pid_dir / f"{service.name}.pid").write_text(str(self._processes[service.name].pid))
        self.wait_ready(timeout)
        return self

    def query(self, name: str, sql: str, *args, owner: bool = False) -> list:
        """Rows of ``sql`` in a service's database, as the service's own role (or its database's owner)."""
        async def fetch():
            connection = await asyncpg.connect((self.owner_urls if owner else self.database_urls)[name])
            try:
                return await connection.fetch(sql, *args)
            finally:
                await connection.close()

        return run_blocking(fetch())

    def pid(self, name: str) -> int:
        return self._processes[name].pid

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = set(self._processes)
        while waiting:
            for name in sorted(waiting):
                if self._processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
                try:  # ready, and connected to the broker too (readiness alone does not wait for it)
                    answer = httpx.get(f"{self.url(name)}/health/ready", timeout=2)
                    if answer.status_code == 200 and all(answer.json()["checks"].values()):
                        waiting.discard(name)
                except httpx.HTTPError:
                    pass
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout}s: {', '.join(sorted(waiting))} (logs in {self.log_dir})")
            time.sleep(0.2)

    def wait_until_applied(self, within: float = 60) -> None:
        """Wait until every record the running services stored is on the bus (their outboxes are empty) and
        the indicators service has applied all of it (its group's committed offsets at the end of every
        topic): the KPIs then reflect everything posted so far."""
        producers = [name for name in self._processes if name != "indicators"]
        wait_until(lambda: not any(run_blocking(self._unpublished(name)) for name in producers), within,
                   f"every event of {', '.join(producers)} published")
        if "indicators" in self._processes:
            wait_until(lambda: not behind(self.bootstrap, "indicators"), within,
                       "the indicators service's consumer at the end of every topic")

    async def _unpublished(self, name: str) -> int:
        connection = await asyncpg.connect(self.database_urls[name])
        try:
            return await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        finally:
            await connection.close()

    def stop(self) -> None:
        for process in self._processes.values():
            if process.poll() is None:
                process.terminate()
        for name, process in self._processes.items():
            terminate(process, 15)
            if self.pid_dir:
                (self.pid_dir / f"{name}.pid").unlink(missing_ok=True)
        self._processes.clear()
