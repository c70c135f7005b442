"""`make bench-writes`: single-record writes at the placements service under load from wrk, beside the two
references (FastAPI without a database; the same SQL on bare asyncpg), then bulk, then how long the
consumers take to catch up.

Starts its own embedded PostgreSQL (fsync on: every write durable) and Apache Kafka in a temporary folder,
the placements service (with its outbox relay) and the references on free loopback ports; the consumers
(health, education, leaving care, indicators) start after the burst, as if they had fallen behind.
What the figures mean: docs/benchmarks.md.
"""

import argparse
import os
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import psutil

from backbone.clock import today
from bench.run import print_machine
from devstack.broker import KafkaBroker
from devstack.infra import EmbeddedPostgres, create_databases, free_port, migrate, run_blocking
from devstack.partners import DEV_TOKENS, Partner
from devstack.processes import terminate
from devstack.services import SERVICES
from devstack.stack import ServiceStack

SCRIPT = Path(__file__).with_name("enter_care.lua")
CONSUMERS = ["health", "education", "leaving_care", "indicators"]


def wrk(url: str, seconds: float, connections: int, prefix: str) -> dict:
    """wrk with 2 threads and ``connections`` keep-alive connections for ``seconds``; the script's summary."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s", "-s", str(SCRIPT), url, "--",
         prefix, DEV_TOKENS["case-system"], today().isoformat()],
        capture_output=True, text=True)
    if output.returncode:
        raise RuntimeError(f"wrk failed: {output.stderr or output.stdout}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds (user + system) so far, by pid."""
    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots; a process started in between counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def postgres_processes(postgres: EmbeddedPostgres) -> list[psutil.Process]:
    """The postmaster and every backend (the pools' connections, the WAL writer, the checkpointer)."""
    postmaster = psutil.Process(int((postgres.data_dir / "postmaster.pid").read_text().split()[0]))
    return [postmaster, *postmaster.children()]


def profile(pid: int, seconds: float, output: Path) -> subprocess.Popen:
    """py-spy samples the server while it is measured (collapsed stacks: bench/profile_summary.py reads them)."""
    return subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--duration",
                             str(round(seconds)), "--rate", "1000", "--format", "raw", "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(label: str, url: str, server: psutil.Process, postgres: EmbeddedPostgres, seconds: float,
            connections: int, warm_up: float = 2, profile_to: Path | None = None) -> dict:
    run = f"B{random.randrange(10**9)}"  # child ids are [A-Za-z0-9_-]
    warm = wrk(url, warm_up, connections, f"{run}-warm")
    database = postgres_processes(postgres)  # the backends of this server's pool exist by now
    server_before, database_before = cpu_seconds([server]), cpu_seconds(database)
    sampler = profile(server.pid, seconds, profile_to) if profile_to else None
    result = wrk(url, seconds, connections, run)
    writes = result["requests"] - result["not_201"]
    result |= {
        "label": label, "writes": writes, "per_second": writes / result["seconds"],
        "answered_201": writes + warm["requests"] - warm["not_201"],
        "server_ms": 1000 * cpu_used(server_before, cpu_seconds([server])) / max(1, result["requests"]),
        "database_ms": 1000 * cpu_used(database_before, cpu_seconds(postgres_processes(postgres))) / max(1, result["requests"]),
    }
    if sampler:
        sampler.wait(30)
    return result


def print_row(result: dict, reference: float | None = None) -> None:
    ratio = f"   {result['per_second'] / reference:4.2f}× of bare asyncpg" if reference else ""
    refused = f"   ({result['not_201']} not 201, {result['errors']} socket errors)" if result["not_201"] or result["errors"] else ""
    database = f"{result['database_ms']:5.2f} ms" if result["database_ms"] else "     -  "
    print(f"  {result['label']:<22} {result['per_second']:7.0f} writes/s   p50 {result['p50'] / 1000:6.1f} ms   "
          f"p99 {result['p99'] / 1000:6.1f} ms   CPU per write: server {result['server_ms']:5.2f} ms, "
          f"PostgreSQL {database}{ratio}{refused}")


def start_reference(factory: str, port: int, log_dir: Path, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "--factory", f"bench.references:{factory}", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log"]
    with open(log_dir / f"reference-{factory}.log", "ab") as log:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(f"reference {factory} did not start (log in {log_dir})")


async def count(url: str, sql: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


def wait_until(check, timeout: float) -> float | None:
    """Seconds until ``check()`` is true (polled every 0.1 s), or None after ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if check():
            return time.monotonic() - began
        time.sleep(0.1)
    return None


def outbox_drained(database: str) -> bool:
    return run_blocking(count(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL")) == 0


def bench_bulk(url: str, database: str, records: int, pid: int, profile_to: Path | None) -> None:
    """Two bulk requests, each from an empty outbox (the relay's work for one does not fall in the other)."""
    partner = Partner(url, "case-system", timeout=600)
    run = random.randrange(10**6)
    day = (today() - timedelta(days=30)).isoformat()
    batches = {
        "enter-care": [{"key": f"bulk-{run}-{n}-c", "command": "enter-care", "child_id": f"BULK-{run}-{n}",
                        "record": {"date_of_birth": "2012-01-01", "start_date": day, "legal_status": "C2"}}
                       for n in range(records)],
        "start-placement": [{"key": f"bulk-{run}-{n}-p", "command": "start-placement", "child_id": f"BULK-{run}-{n}",
                             "record": {"start_date": day, "placement_type": "U4"}} for n in range(records)],
    }
    print(f"\nBulk (POST /bulk, {records:,} records per request, one child each; aim 10,000 records/s):")
    for command, batch in batches.items():
        sampler = profile(pid, 5, profile_to.with_suffix(f".{command}.txt")) if profile_to else None
        began = time.perf_counter()
        response = partner.http.post("/bulk", json=batch)
        seconds = time.perf_counter() - began
        if sampler:
            sampler.wait(30)
        created = sum(r["outcome"] == "created" for r in response.json()) if response.status_code == 200 else 0
        relayed = wait_until(lambda: outbox_drained(database), 300)
        print(f"  {command:<16} {created:,} created in {seconds:.2f} s: {created / seconds:,.0f} records/s; "
              f"the relay published their events {relayed:.1f} s later")
    partner.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="seconds of load for each target (default 15)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's keep-alive connections (default 16)")
    parser.add_argument("--bulk", type=int, default=5000, help="records in each bulk request (default 5000)")
    parser.add_argument("--profile", type=Path, help="py-spy the placements service while it is measured; collapsed "
                                                      "stacks to this file (summary: python -m bench.profile_summary FILE)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run `make tools` (it installs Debian's wrk)")

    folder = Path(tempfile.mkdtemp(prefix="cla-bench-writes-"))
    started, references, ok = [], [], False
    try:
        postgres = EmbeddedPostgres(folder / "data", free_port(), fsync=True).start()
        started.append(postgres)
        kafka = KafkaBroker(folder / "kafka", port=free_port(), controller_port=free_port()).start()
        started.append(kafka)
        kafka.create_topics()
        print_machine(postgres, kafka)
        stack = ServiceStack(postgres.url, kafka.bootstrap_servers, folder / "logs", ports={s.name: free_port() for s in SERVICES},
                             database_prefix="bench_", only=["placements"],
                             env={"RATE_LIMIT_PER_SECOND": "1000000", "RATE_LIMIT_BURST": "1000000"})
        started.append(stack)
        stack.start()

        # The bare-asyncpg reference writes to a database of its own with the placements schema.
        run_blocking(create_databases(postgres.url, ["bench_reference"]))
        placements = next(s for s in SERVICES if s.name == "placements")
        migrate(placements, f"{postgres.url}/bench_reference")
        ports = {"nodb": free_port(), "asyncpg_app": free_port()}
        for factory, port in ports.items():
            references.append(start_reference(factory, port, folder / "logs", {"BENCH_DATABASE_URL": f"{postgres.url}/bench_reference"}))

        print(f"\nSingle-record writes: POST /children/{{id}}/care-periods, a new child entering care each time; wrk, "
              f"{args.connections} connections, {args.seconds:.0f} s each (aim: placements >= 1,000 writes/s, p99 < 50 ms)")
        nodb = measure("FastAPI, no database", f"http://127.0.0.1:{ports['nodb']}", psutil.Process(references[0].pid),
                       postgres, args.seconds, args.connections)
        bare = measure("bare asyncpg", f"http://127.0.0.1:{ports['asyncpg_app']}", psutil.Process(references[1].pid),
                       postgres, args.seconds, args.connections)
        ours = measure("placements", stack.url("placements"), psutil.Process(stack.pid("placements")),
                       postgres, args.seconds, args.connections, profile_to=args.profile)
        nodb["database_ms"] = 0.0  # nothing of PostgreSQL's is its work
        for result in (nodb, bare):
            print_row(result)
        print_row(ours, bare["per_second"])
        for reference in references:
            terminate(reference, 10)
        references.clear()

        database = stack.owner_urls["placements"]
        stored = run_blocking(count(database, "SELECT count(*) FROM care_periods"))
        relayed = wait_until(lambda: outbox_drained(database), 300)
        # A request still in flight when wrk stops is stored but its answer not counted: at most one per connection.
        print(f"  durable: {ours['answered_201']:,} answered 201 (with the warm-up), {stored:,} periods of care stored "
              f"(up to {2 * args.connections} more: in flight when wrk stopped); the outbox relay had published "
              f"every event {relayed:.1f} s after the burst" if relayed is not None else "  the relay did not catch up in 300 s")

        bench_bulk(stack.url("placements"), database, args.bulk, stack.pid("placements"), args.profile)

        children = run_blocking(count(database, "SELECT count(*) FROM children"))
        began = time.monotonic()
        stack.start_more(CONSUMERS)
        indicators = Partner(stack.url("indicators"), "performance-team")
        caught_up = wait_until(lambda: indicators.get("/kpis/cla_count").json().get("value") == children, 600)
        total = time.monotonic() - began
        print(f"\nConsumers started after the burst ({len(CONSUMERS)} services): indicators counted all {children:,} "
              f"children in care {total:.1f} s after they started" if caught_up is not None
              else f"\nConsumers: indicators had not counted all {children:,} children after 600 s")
        ok = True
    finally:
        for reference in references:
            terminate(reference, 10)
        for part in reversed(started):
            part.stop()
        if ok:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"logs kept in {folder / 'logs'}")


if __name__ == "__main__":
    main()
