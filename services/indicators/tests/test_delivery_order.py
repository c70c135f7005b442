"""Property: duplicates, re-sends and any delivery order leave every KPI as an in-order delivery does.

The events go through the consumer's own path (apply_record: envelope, contract, duplicate guard, upsert by
record_version) into a real PostgreSQL; Hypothesis draws the order and the duplicates."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backbone.consumer import apply_record, apply_records
from backbone.db import create_engine, session_factory
from backbone.events import to_kafka_message
from backbone.settings import to_asyncpg_url
from devstack.infra import run_blocking
from indicators_service.main import kpi_engine
from indicators_service.projections import apply_event, apply_events, clear
from indicators_service.settings import Settings

pytestmark = pytest.mark.integration
ENGINE = kpi_engine(Settings(database_url="postgresql://unused/x", environment="test"))
DATES = [date(2025, 3, 31), date(2025, 9, 30), date(2026, 3, 31)]


class Record:
    def __init__(self, offset: int, key: bytes, value: bytes, headers: list):
        self.topic, self.partition, self.offset = "placements", 0, offset
        self.key, self.value, self.headers, self.timestamp = key, value, headers, 0


def history() -> list[Record]:
    """Three children's records as the services publish them, each amended once (record_version 2); one
    placement withdrawn (record_version 3), so that any order puts its older states before or after it."""
    events = []
    for n, start in enumerate([date(2024, 5, 1), date(2024, 11, 20), date(2025, 6, 2)]):
        child = f"order-{n}"
        period = {"care_period_id": f"cp-{n}", "child_id": child, "date_of_birth": "2013-02-03",
                  "start_date": start.isoformat(), "end_date": None, "legal_status": "C2", "reason_ceased": None,
                  "effective_date": start.isoformat(), "record_version": 1}
        left = start + timedelta(days=300)
        events += [("placements.child-entered-care", period),
                   ("placements.child-left-care", {**period, "end_date": left.isoformat(), "reason_ceased": "E13",
                                                   "effective_date": left.isoformat(), "record_version": 2})]
        day = start
        for move in range(n + 2):
            placement = {"placement_id": f"pl-{n}-{move}", "care_period_id": f"cp-{n}", "child_id": child,
                         "start_date": day.isoformat(), "end_date": None, "placement_type": "U4", "provider": "PR1",
                         "carer_id": f"carer-{n}-{move}", "effective_date": day.isoformat(), "record_version": 1}
            day += timedelta(days=60)
            events += [("placements.placement-started", placement),
                       ("placements.placement-ended", {**placement, "end_date": day.isoformat(),
                                                       "effective_date": day.isoformat(), "record_version": 2})]
            if move == n + 1 and n == 2:  # the last child's last placement was entered in error: withdrawn
                events.append(("placements.placement-ended", {**placement, "end_date": day.isoformat(),
                                                              "effective_date": day.isoformat(),
                                                              "record_version": 3, "withdrawn": True}))
        iha = start + timedelta(days=25 + n * 5)
        events.append(("health.initial-health-assessment-completed",
                       {"assessment_id": f"iha-{n}", "child_id": child, "completed_date": iha.isoformat(),
                        "effective_date": iha.isoformat(), "record_version": 1}))
    records = []
    for offset, (kind, data) in enumerate(events):
        key, value, headers = to_kafka_message(event_id=f"order-event-{offset}", source="/cla/test", event_type=f"uk.cla.{kind}.v1",
                                               subject=data["child_id"], time=datetime(2026, 1, 1, tzinfo=timezone.utc), data=data)
        records.append(Record(offset, key, value, headers))
    return records


RECORDS = history()


async def kpis_after(url: str, records: list[Record], batches: list[int] | None = None) -> list:
    """KPIs after applying ``records`` one by one (the consumer's fallback, and re-drive), or, given batch sizes,
    in batches as the live consumer and the replay apply them (apply_records: the batch's duplicate guard in one
    statement, then apply_events: one upsert per table)."""
    engine = create_engine(to_asyncpg_url(url))
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            await clear(session)
        if batches is None:
            for record in records:
                await apply_record(sessions, apply_event, record)
        else:
            start = 0
            for size in [*batches, len(records)]:
                if records[start:start + size]:
                    await apply_records(sessions, apply_event, apply_events, records[start:start + size])
                start += size
        async with sessions() as session:
            return [[(k.id, k.numerator, k.denominator) for k in await ENGINE.all(session, d)] for d in DATES]
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def database(kpi_database):
    url = run_blocking(kpi_database("delivery_order"))
    in_order = run_blocking(kpis_after(url, RECORDS))
    assert any(denominator for per_date in in_order for _, _, denominator in per_date)  # real figures compared
    return url, in_order


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(RECORDS))), repeats=st.lists(st.integers(0, len(RECORDS) - 1), max_size=15),
       data=st.data())
def test_any_order_with_duplicates_gives_the_kpis_of_in_order_delivery(database, order, repeats, data):
    url, in_order = database
    delivered = [RECORDS[i] for i in order]
    for i in repeats:  # a re-send lands anywhere after... or before, the original: both happen
        delivered.insert(data.draw(st.integers(0, len(delivered)), label="position"), RECORDS[i])
    assert run_blocking(kpis_after(url, delivered)) == in_order


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(RECORDS))), repeats=st.lists(st.integers(0, len(RECORDS) - 1), max_size=15),
       batches=st.lists(st.integers(1, 12), max_size=6))
def test_batches_in_any_order_with_duplicates_give_the_same_kpis(database, order, repeats, batches):
    """The live consumer's batches and the replay's: duplicates inside a batch and across batches, a withdrawal
    or a newer version and an older one in the same batch."""
    url, in_order = database
    delivered = [RECORDS[i] for i in order] + [RECORDS[i] for i in repeats]  # duplicates inside and across batches
    assert run_blocking(kpis_after(url, delivered, batches)) == in_order
