"""Waiting for a state (a row, a gauge's value, a consumer at the end of its topics) under a deadline: what
the tests, the demo and the benchmarks do instead of sleeping a fixed time and hoping the state is there."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from devstack.broker import topic_specs


def wait_until(condition: Callable[[], object], within: float, what: str | Callable[[], str], every: float = 0.05):
    """Call ``condition`` until it answers something true, and return that; fail naming ``what`` (or what
    it returns then, e.g. the value last seen) if it has not after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not (answer := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g}s: {what() if callable(what) else what}")
        time.sleep(every)
    return answer


async def eventually(condition: Callable[[], Awaitable[object]], within: float, what: str, every: float = 0.05):
    """``wait_until`` for a coroutine function, without blocking the event loop."""
    deadline = time.monotonic() + within
    while not (answer := await condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g}s: {what}")
        await asyncio.sleep(every)
    return answer


def behind(bootstrap: str, group: str, topics: list[str] | None = None) -> dict[str, int]:
    """Per topic, the records ``group`` has not committed yet (its committed offsets against the end of each
    partition); {} when it has consumed everything on ``topics`` (the domain topics by default)."""
    from confluent_kafka import Consumer, TopicPartition

    # A client of the group that never subscribes: it reads the group's offsets without joining it.
    client = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        lag = {}
        for topic in topics or [spec.name for spec in topic_specs()]:
            partitions = [TopicPartition(topic, p) for p in client.list_topics(topic, timeout=10).topics[topic].partitions]
            for committed in client.committed(partitions, timeout=10):
                end = client.get_watermark_offsets(committed, timeout=10)[1]
                if end > max(committed.offset, 0):
                    lag[topic] = lag.get(topic, 0) + end - max(committed.offset, 0)
        return lag
    finally:
        client.close()
