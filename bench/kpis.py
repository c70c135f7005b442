"""`make bench-kpis`: how fast the KPI engine answers on a council-sized history.

Starts its own PostgreSQL (temporary folder, durable as in production), loads a synthetic council of
100,000 children of history (entering care from 2006 to today: periods of care, placements, health
assessments, Virtual School notifications and PEPs, care-leaver statuses and allocations) straight into the
indicators projections, and times, with the engine the service runs:
  - every KPI as of today and as of 5 years ago (median of 3), aim < 100 ms each;
  - `GET /kpis` (every KPI, served by the app in-process), aim < 500 ms;
  - the drill-down of the largest KPI, aim < 1 s;
  - a full 5-year month-end history of every KPI, aim < 60 s.
Prints figures; nothing passes or fails. docs/benchmarks.md records them.
"""

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from dateutil.relativedelta import relativedelta

from backbone.clock import today
from backbone.db import create_engine, session_factory
from backbone.settings import to_asyncpg_url
from devstack.infra import EmbeddedPostgres, create_databases, free_port, migrate, run_blocking
from devstack.services import SERVICES
from indicators_service.kpis.history import History, last_complete_month_end, month_ends
from indicators_service.kpis.registry import KPIS
from indicators_service.main import create_app, kpi_engine, load_the_calendar
from indicators_service.settings import Settings

FIRST_ENTRY = date(2006, 1, 1)


def council(children: int, seed: int = 7) -> dict[str, list[tuple]]:
    """Rows per projection table, in column order."""
    rng, now = random.Random(seed), today()
    span = (now - FIRST_ENTRY).days
    tables = {name: [] for name in ("care_periods", "placements", "initial_health_assessments",
                                    "virtual_school_notifications", "initial_peps", "care_leaver_statuses",
                                    "adviser_allocations")}
    for n in range(children):
        child = f"B{n:07d}"
        entered = FIRST_ENTRY + timedelta(days=rng.randint(0, span))
        born = entered - timedelta(days=rng.randint(0, 17 * 365))
        stay = int(rng.expovariate(1 / 900)) + 1
        left = entered + timedelta(days=stay)
        left = None if left > now else left
        legal = "V3" if rng.random() < 0.04 else rng.choice(["C2", "C2", "V2", "E1"])
        tables["care_periods"].append((f"CP{n}", child, born, entered, left, legal, "E13" if left else None, 1))
        day, carer = entered, None
        while True:
            temporary = rng.random() < 0.08
            carer = carer if temporary is False and rng.random() < 0.1 else f"K{rng.randint(1, 5000)}"
            end = day + timedelta(days=int(rng.expovariate(1 / 300)) + 7)
            last = (left and end >= left) or end > now
            end = left if last else end
            tables["placements"].append((f"PL{n}-{len(tables['placements'])}", f"CP{n}", child, day, end,
                                         "T1" if temporary else rng.choice(["U1", "U4", "U5", "K2", "R1"]), "PR1", carer, 1))
            if last:
                break
            day = end
        if rng.random() < 0.9:
            done = entered + timedelta(days=rng.randint(5, 50))
            if done <= now:
                tables["initial_health_assessments"].append((f"IHA{n}", child, done, 1))
        if rng.random() < 0.92:
            notified = entered + timedelta(days=rng.randint(0, 4))
            if notified <= now:
                tables["virtual_school_notifications"].append((f"VS{n}", child, notified, 1))
                pep = notified + timedelta(days=rng.randint(4, 30))
                if rng.random() < 0.9 and pep <= now:
                    tables["initial_peps"].append((f"PEP{n}", f"VS{n}", child, pep, 1))
        sixteen = born + relativedelta(years=16)
        if left and left > sixteen and stay > 91:
            tables["care_leaver_statuses"].append((f"S{n}", child, "former_relevant" if left >= sixteen + relativedelta(years=2) else "relevant", left, 1))
            if rng.random() < 0.85:
                tables["adviser_allocations"].append((f"A{n}", child, "personal_adviser", left, None, 1))
    return tables


COLUMNS = {
    "care_periods": ["care_period_id", "child_id", "date_of_birth", "start_date", "end_date", "legal_status", "reason_ceased", "record_version"],
    "placements": ["placement_id", "care_period_id", "child_id", "start_date", "end_date", "placement_type", "provider", "carer_id", "record_version"],
    "initial_health_assessments": ["assessment_id", "child_id", "completed_date", "record_version"],
    "virtual_school_notifications": ["notification_id", "child_id", "notified_date", "record_version"],
    "initial_peps": ["pep_id", "notification_id", "child_id", "completed_date", "record_version"],
    "care_leaver_statuses": ["status_id", "child_id", "status", "effective_date", "record_version"],
    "adviser_allocations": ["allocation_id", "child_id", "role", "start_date", "end_date", "record_version"],
}


async def load(url: str, tables: dict[str, list[tuple]]) -> None:
    engine = create_engine(to_asyncpg_url(url))
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        for table, rows in tables.items():
            await raw.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
        await raw.execute("ANALYZE")
    await engine.dispose()


async def timed(step) -> float:
    started = time.perf_counter()
    await step()
    return time.perf_counter() - started


async def measure(url: str, settings: Settings) -> None:
    engine = kpi_engine(settings)
    db = create_engine(to_asyncpg_url(url))
    sessions = session_factory(db)
    await load_the_calendar(sessions, settings)
    now = today()
    back = now - relativedelta(years=5)
    async with sessions() as session:
        print(f"\n{'KPI':32} {'value today':>12} {'today ms':>9} {'5y ago ms':>10}")
        for kpi in KPIS.values():
            times, value = {}, None
            for as_of in (now, back):
                samples = []
                for _ in range(3):
                    started = time.perf_counter()
                    result = await engine.value(session, kpi, as_of)
                    samples.append(time.perf_counter() - started)
                    value = result.value if as_of == now else value
                times[as_of] = statistics.median(samples) * 1000
            print(f"{kpi.id:32} {value!s:>12} {times[now]:9.0f} {times[back]:10.0f}")
        sizes = {}
        for kpi in KPIS.values():
            started = time.perf_counter()
            sizes[kpi.id] = (len(await engine.children(session, kpi, now)), time.perf_counter() - started)
        largest = max(sizes, key=lambda k: sizes[k][0])
        print(f"\ndrill-down of the largest KPI ({largest}, {sizes[largest][0]:,} rows): {sizes[largest][1] * 1000:.0f} ms (aim < 1000)")

    app = create_app(settings)
    app.state.runtime.sessions = sessions  # the app's routes, on this database, without its consumer
    token = "dev-performance-token"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            response = await client.get("/kpis", headers={"Authorization": f"Bearer {token}"})
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        print(f"GET /kpis, all {len(KPIS)} KPIs: {statistics.median(samples) * 1000:.0f} ms (aim < 500)")

    history = History(sessions, engine)
    months = month_ends(back, last_complete_month_end(now))
    started = time.perf_counter()
    for kpi in KPIS.values():
        await history.recompute(kpi, months)
    seconds = time.perf_counter() - started
    print(f"5-year month-end history, {len(KPIS)} KPIs × {len(months)} months: {seconds:.1f} s (aim < 60)")
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cla-bench-kpis-"))
    postgres = None
    try:
        postgres = EmbeddedPostgres(folder / "postgres", free_port(), fsync=True).start()
        url = f"{postgres.url}/bench_kpis"
        run_blocking(create_databases(postgres.url, ["bench_kpis"]))
        migrate(next(s for s in SERVICES if s.name == "indicators"), url)
        started = time.perf_counter()
        tables = council(args.children)
        asyncio.run(load(url, tables))
        print(f"synthetic council: {args.children:,} children, "
              + ", ".join(f"{len(rows):,} {name}" for name, rows in tables.items())
              + f" (loaded in {time.perf_counter() - started:.0f} s)")
        settings = Settings(database_url=url, environment="test")
        asyncio.run(measure(url, settings))
    finally:
        if postgres:
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
