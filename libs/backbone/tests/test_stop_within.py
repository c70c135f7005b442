"""A Kafka client's stop is bounded, so a service stops within the orchestrator's grace period."""

import asyncio
import time

from backbone import kafka


class Stuck:
    stopped = False

    async def stop(self):
        await asyncio.sleep(3600)  # e.g. waiting for a group coordinator that just came back


class Quick(Stuck):
    async def stop(self):
        self.stopped = True


async def test_a_stuck_stop_is_left_after_the_bound_and_a_quick_one_completes(monkeypatch):
    monkeypatch.setattr(kafka, "STOP_SECONDS", 0.2)
    began = time.monotonic()
    await kafka.stop_within(Stuck(), "test client")
    assert time.monotonic() - began < 1.0
    quick = Quick()
    await kafka.stop_within(quick, "test client")
    assert quick.stopped
