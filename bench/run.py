"""`make bench`: write throughput/latency at the placements service, and how fresh the KPIs are.

Starts its own embedded PostgreSQL and Apache Kafka (in a temporary folder, durable as `make run` runs them)
and the five services on free loopback ports, measures, prints the figures and stops everything.
`--broker mock` runs the same on librdkafka's in-memory mock cluster, the reference of the earlier figures.
What the figures mean: docs/benchmarks.md.
"""

import argparse
import logging
import math
import os
import platform
import random
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import asyncpg
import confluent_kafka

from backbone.clock import today
from devstack.broker import KafkaBroker
from devstack.infra import EmbeddedPostgres, MockKafkaCluster, free_port, run_blocking
from devstack.partners import Partner
from devstack.services import SERVICES
from devstack.stack import ServiceStack

KPI = "/kpis/placement_stability_3plus"
WARM_UP = 10  # first requests pay for connections and query planning; not what a steady writer sees


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: always a latency that was actually observed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def enter_care(partner: Partner, child: str, started) -> float:
    """POST one child entering care; returns the latency in seconds."""
    body = {"date_of_birth": (started - timedelta(days=3650)).isoformat(), "start_date": started.isoformat(),
            "legal_status": "C2"}
    began = time.perf_counter()
    response = partner.post(f"/children/{child}/care-periods", body)
    elapsed = time.perf_counter() - began
    if response.status_code != 201:
        raise RuntimeError(f"{child}: {response.status_code} {response.text}")
    return elapsed


def place(partner: Partner, child: str, n: int, started) -> None:
    partner.post_ok(f"/children/{child}/placements", {"start_date": started.isoformat(), "placement_type": "U1",
                                                      "provider": "PR1", "carer_id": f"{child}-CARER-{n}"})


def report_writes(label: str, latencies: list[float], seconds: float, wanted: int) -> None:
    capped = "" if len(latencies) == wanted else f"  (stopped by the time cap after {len(latencies)})"
    print(f"  {label:<24} {len(latencies) / seconds:6.0f} writes/s   p50 {percentile(latencies, 50) * 1000:6.1f} ms"
          f"   p99 {percentile(latencies, 99) * 1000:6.1f} ms{capped}")


def write_children(url: str, children: list[str], day, deadline: float) -> list[float]:
    """One client (one keep-alive connection, as a partner system posts) writing one child after another."""
    partner = Partner(url, "case-system")
    try:
        return [enter_care(partner, child, day) for child in children if time.monotonic() < deadline]
    finally:
        partner.close()


def bench_writes(url: str, writes: int, workers: int, cap: float) -> int:
    """Children entering care today, one at a time and then from concurrent workers; returns children created.
    Each variant stops after ``cap`` seconds, so a slow machine still finishes in bounded time."""
    day = today()
    print(f"\nSingle-record writes at placements (POST /children/{{id}}/care-periods, {writes} each):")
    write_children(url, [f"BENCH-W-{i}" for i in range(WARM_UP)], day, math.inf)

    began = time.perf_counter()
    sequential = write_children(url, [f"BENCH-S-{i}" for i in range(writes)], day, time.monotonic() + cap)
    report_writes("sequential (1 client)", sequential, time.perf_counter() - began, writes)

    began, deadline = time.perf_counter(), time.monotonic() + cap
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda w: write_children(url, [f"BENCH-C-{i}" for i in range(w, writes, workers)], day, deadline),
                         range(workers))
        concurrent = [t for part in parts for t in part]
    report_writes(f"concurrent ({workers} workers)", concurrent, time.perf_counter() - began, writes)
    return WARM_UP + len(sequential) + len(concurrent)


def kpi(indicators: Partner) -> dict:
    return indicators.get(KPI).raise_for_status().json()


def bench_freshness(stack: ServiceStack, samples: int, already_in_care: int, give_up: float) -> None:
    """Time from a placement's 2xx until the KPI counts it. Each child has exactly 2 placements beforehand,
    so its 3rd moves the numerator by exactly +1. All dates lie inside the KPI's 12-month window."""
    day = today()
    entered, second, third = day - timedelta(days=400), day - timedelta(days=300), day - timedelta(days=200)
    case_system, indicators = Partner(stack.url("placements"), "case-system"), Partner(stack.url("indicators"), "performance-team")
    try:
        children = [f"BENCH-F-{i}" for i in range(samples)]
        for child in children:
            enter_care(case_system, child, entered)
            place(case_system, child, 1, entered)
            place(case_system, child, 2, second)
        # Start only once indicators has applied everything posted so far, so the numerator moves only for us.
        deadline = time.monotonic() + 60
        while kpi(indicators)["denominator"] != already_in_care + samples:
            if time.monotonic() > deadline:
                raise TimeoutError("indicators did not catch up with the set-up writes within 60 s")
            time.sleep(0.1)
        time.sleep(1)

        delays, timeouts = [], 0
        for child in children:
            # A random pause of up to one consumer fetch wait (500 ms), so posts do not lock into step with the
            # fetch cycle: measuring right after each fetch went out would report its worst case every time.
            time.sleep(random.uniform(0, 0.5))
            baseline = kpi(indicators)["numerator"]
            place(case_system, child, 3, third)
            answered = time.perf_counter()
            while kpi(indicators)["numerator"] == baseline:
                if time.perf_counter() - answered > give_up:
                    timeouts += 1
                    break
                time.sleep(0.01)
            else:
                delays.append(time.perf_counter() - answered)
            if timeouts >= 3:  # the pipeline is stuck: stop rather than spend give_up seconds per sample
                print("  stopped early after 3 timeouts")
                break
    finally:
        case_system.close()
        indicators.close()
    print(f"\nFreshness (3rd placement 2xx at placements -> numerator of {KPI} changed at indicators):")
    if delays:
        print(f"  {len(delays)} samples   p50 {percentile(delays, 50) * 1000:6.0f} ms   p99 {percentile(delays, 99) * 1000:6.0f} ms"
              f"   max {max(delays) * 1000:6.0f} ms   timeouts (> {give_up:.0f} s): {timeouts}")
    else:
        print(f"  no sample arrived; timeouts (> {give_up:.0f} s): {timeouts}")


def cpu_ticks() -> tuple[int, int]:
    """(all CPU time, steal) from /proc/stat: steal is time the hypervisor ran other guests instead of us."""
    fields = [int(f) for f in open("/proc/stat").readline().split()[1:9]]
    return sum(fields), fields[7]


def print_machine(postgres: EmbeddedPostgres, broker) -> None:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))

    async def server_version() -> str:
        connection = await asyncpg.connect(f"{postgres.url}/postgres")
        try:
            return await connection.fetchval("SHOW server_version")
        finally:
            await connection.close()

    print("Machine:")
    print(f"  CPU       {cpu}, {os.cpu_count()} cores")
    print(f"  memory    {memory_kb / 1024 / 1024:.1f} GiB")
    print(f"  OS        {platform.platform()}")
    print(f"  Python    {platform.python_version()}")
    if isinstance(broker, KafkaBroker):
        flush = "flush on every append" if broker.durable else "no flush"
        print(f"  broker    {broker.describe().split(' at ')[0]}, {flush}, java {java_version()}")
    else:
        print(f"  broker    embedded librdkafka mock cluster (confluent-kafka {confluent_kafka.__version__}, "
              f"librdkafka {confluent_kafka.libversion()[0]}), in memory")
    print(f"  database  embedded PostgreSQL {run_blocking(server_version())} (fsync={'on' if postgres.fsync else 'off'})")


def java_version() -> str:
    output = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return output.split('"')[1] if '"' in output else output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000, help="writes in each write benchmark (default 1000)")
    parser.add_argument("--workers", type=int, default=8, help="workers in the concurrent write benchmark (default 8)")
    parser.add_argument("--freshness", type=int, default=50, help="freshness samples (default 50)")
    parser.add_argument("--cap", type=float, default=40, help="seconds after which each write variant stops (default 40)")
    parser.add_argument("--give-up", type=float, default=10, help="seconds before a freshness sample is a timeout")
    parser.add_argument("--broker", choices=["kafka", "mock"], default="kafka",
                        help="Apache Kafka with PostgreSQL fsync on, as make run (default); or the old in-memory "
                             "mock cluster with fsync off, the reference of the earlier figures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    folder = Path(tempfile.mkdtemp(prefix="cla-bench-"))
    started, ok = [], False
    try:
        real = args.broker == "kafka"
        postgres = EmbeddedPostgres(folder / "data", free_port(), fsync=real).start()
        started.append(postgres)
        if real:
            kafka = KafkaBroker(folder / "kafka", port=free_port(), controller_port=free_port()).start()
        else:
            kafka = MockKafkaCluster()
        started.append(kafka)
        kafka.create_topics()
        print_machine(postgres, kafka)
        began = time.monotonic()
        stack = ServiceStack(postgres.url, kafka.bootstrap_servers, folder / "logs",
                             ports={s.name: free_port() for s in SERVICES}, database_prefix="bench_",
                             # It measures the write path, not the rate limiter (which would cap it at 200/s).
                             env={"RATE_LIMIT_PER_SECOND": "1000000", "RATE_LIMIT_BURST": "1000000"})
        started.append(stack)  # before start(): a failed start still stops the processes it launched
        stack.start()
        print(f"  stack     5 services ready in {time.monotonic() - began:.1f} s (broker {kafka.bootstrap_servers})")
        total, steal = cpu_ticks()
        in_care = bench_writes(stack.url("placements"), args.writes, args.workers, args.cap)
        bench_freshness(stack, args.freshness, in_care, args.give_up)
        # On a shared VM, figures from two runs differ mostly by how much CPU other guests took.
        total_after, steal_after = cpu_ticks()
        print(f"\nCPU steal during the measurements: {100 * (steal_after - steal) / max(1, total_after - total):.1f} %")
        ok = True
    finally:
        for part in reversed(started):
            part.stop()
        if ok:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"logs kept in {folder / 'logs'}")


if __name__ == "__main__":
    main()
