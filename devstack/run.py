"""`make run`: the whole system on this machine, with demo data. Ctrl-C stops everything it started.

Uses DATABASE_URL (a PostgreSQL server, e.g. postgresql://user:pw@host:5432) and KAFKA_BOOTSTRAP_SERVERS
when set; otherwise starts an embedded PostgreSQL and an embedded Kafka-protocol broker. The embedded
broker keeps events in memory only, so an embedded run starts from empty databases every time.
"""

import logging
import os
import shutil
import signal
import time

import httpx

from backbone.clock import today
from devstack import demo
from devstack.infra import EmbeddedKafka, EmbeddedPostgres, free_port
from devstack.partners import DEV_TOKENS
from devstack.services import ROOT, SERVICES
from devstack.stack import ServiceStack

STATE = ROOT / ".devstack"


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly on SIGTERM as on Ctrl-C
    started = []
    try:
        database_server = os.environ.get("DATABASE_URL")
        if not database_server:
            shutil.rmtree(STATE / "postgres", ignore_errors=True)
            postgres = EmbeddedPostgres(STATE / "postgres", free_port()).start()
            started.append(postgres)
            database_server = postgres.url
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            kafka = EmbeddedKafka()
            started.append(kafka)
            bootstrap = kafka.bootstrap_servers
        print(f"PostgreSQL: {database_server}\nKafka bootstrap: {bootstrap}\nstarting services...", flush=True)
        stack = ServiceStack(database_server, bootstrap, STATE / "logs").start()
        started.append(stack)
        loaded_at = time.monotonic()
        count = demo.load({s.name: stack.url(s.name) for s in SERVICES}, today())
        print(f"demo data: {count} fictional children posted in {time.monotonic() - loaded_at:.1f}s")
        time.sleep(1)  # let the indicators service apply the last events before showing figures
        show(stack)
        print("\nRunning. Ctrl-C stops everything.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping...", flush=True)
        for part in reversed(started):
            part.stop()
        print("stopped.")


def show(stack: ServiceStack) -> None:
    print("\nServices (OpenAPI docs at /docs, readiness at /health/ready, Prometheus metrics at /metrics):")
    for service in SERVICES:
        ready = httpx.get(f"{stack.url(service.name)}/health/ready").json()["status"]
        print(f"  {service.name:<13} {stack.url(service.name):<24} {ready}")
    token = DEV_TOKENS["performance-team"]
    kpis = httpx.get(f"{stack.url('indicators')}/kpis", headers={"Authorization": f"Bearer {token}"}).json()
    print(f"\nKPIs today (curl -H 'Authorization: Bearer {token}' {stack.url('indicators')}/kpis):")
    for kpi in kpis:
        detail = f"{kpi['numerator']}/{kpi['denominator']}" if kpi["denominator"] is not None else ""
        print(f"  {kpi['id']:<28} {kpi['value']!s:>7} {detail}")
    print("\nDevelopment tokens (bearer):")
    for client, token in DEV_TOKENS.items():
        print(f"  {client:<18} {token}")


if __name__ == "__main__":
    main()
