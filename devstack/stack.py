"""Start the five services as processes (uvicorn), wait until they are ready, stop them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from devstack.infra import prepare_databases
from devstack.services import SERVICES, Service


class ServiceStack:
    def __init__(self, database_server: str, bootstrap: str, log_dir: Path, ports: dict[str, int] | None = None,
                 database_prefix: str = "", env: dict[str, str] | None = None):
        self.database_server = database_server
        self.bootstrap = bootstrap
        self.log_dir = log_dir
        self.ports = ports or {s.name: s.port for s in SERVICES}
        self.database_prefix = database_prefix
        self.extra_env = env or {}
        self.database_urls: dict[str, str] = {}
        self._processes: dict[str, subprocess.Popen] = {}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def env_for(self, service: Service) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_urls[service.name],
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "OUTBOX_POLL_SECONDS": "0.5",
            **self.extra_env,
        }

    def start(self, timeout: float = 90) -> "ServiceStack":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.database_urls = prepare_databases(self.database_server, self.database_prefix)
        for service in SERVICES:
            log = open(self.log_dir / f"{service.name}.log", "ab")
            self._processes[service.name] = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", f"{service.package}.main:create_app",
                 "--host", "127.0.0.1", "--port", str(self.ports[service.name]), "--no-access-log"],
                env=self.env_for(service), stdout=log, stderr=subprocess.STDOUT, cwd=service.directory,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = set(self._processes)
        while waiting:
            for name in sorted(waiting):
                if self._processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
                try:
                    if httpx.get(f"{self.url(name)}/health/ready", timeout=2).status_code == 200:
                        waiting.discard(name)
                except httpx.HTTPError:
                    pass
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout}s: {', '.join(sorted(waiting))} (logs in {self.log_dir})")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self._processes.values():
            process.terminate()
        for process in self._processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self._processes.clear()
