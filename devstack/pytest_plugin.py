"""Test fixtures: a real PostgreSQL and a real Apache Kafka broker for the session, and the running services.

TEST_DATABASE_URL / TEST_KAFKA_BOOTSTRAP_SERVERS point the tests at existing servers instead. Without a JVM
and Maven the tests that need the broker fail with the reason: they never fall back to an in-memory broker.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devstack.broker import BrokerUnavailable, KafkaBroker, ensure_topics
from devstack.infra import EmbeddedPostgres, create_databases, free_port, migrate, run_blocking
from devstack.services import SERVICES


@pytest.fixture(scope="session")
def database_server():
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="cla-test-pg-"))
    postgres = EmbeddedPostgres(folder / "data", free_port(), fsync=False).start()
    yield postgres.url
    postgres.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_bootstrap():
    """Apache Kafka for the whole session, with the domain topics of infra/kafka/topics.conf."""
    if bootstrap := os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS"):
        ensure_topics(bootstrap)
        yield bootstrap
        return
    folder = Path(tempfile.mkdtemp(prefix="cla-test-kafka-"))
    broker = KafkaBroker(folder, port=free_port(), controller_port=free_port(), durable=False)
    try:
        broker.start()
    except BrokerUnavailable as reason:
        pytest.fail(f"the tests need real Apache Kafka and it cannot run here: {reason}", pytrace=False)
    ensure_topics(broker.bootstrap_servers)
    yield broker.bootstrap_servers
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def make_database(database_server):
    """Create and migrate a fresh database for one service under a name of the test's choosing."""

    def make(service_name: str, database: str) -> str:
        service = next(s for s in SERVICES if s.name == service_name)
        run_blocking(create_databases(database_server, [database]))
        url = f"{database_server}/{database}"
        migrate(service, url)
        return url

    return make


@pytest.fixture(scope="session")
def stack(database_server, kafka_bootstrap, tmp_path_factory):
    """The five services running as processes against the test servers."""
    from devstack.stack import ServiceStack

    running = ServiceStack(
        database_server, kafka_bootstrap, tmp_path_factory.mktemp("logs"),
        ports={s.name: free_port() for s in SERVICES}, database_prefix="stack_",
        # The fuzzing probes every operation without a token, and schemathesis insists on a 401 for each: the
        # failed-authentication throttle (tested on its own in libs/backbone/tests/test_request_limits.py)
        # must not turn those into 429s part-way through.
        env={"FAILED_AUTHENTICATIONS_PER_MINUTE": "100000"},
    )
    try:
        running.start()
        yield running
    finally:  # a service that fails to start must not leave the others running after the tests
        running.stop()


def pytest_collection_modifyitems(items):
    """Tests marked runs_last (the fuzzing, which trips the stack's throttles) after all the others."""
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)
