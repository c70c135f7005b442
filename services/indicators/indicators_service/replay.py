"""Rebuild the KPI projections from the topics: `python -m indicators_service.replay`.

Applies every event from the beginning of each topic into copies of the projection tables, while the live
ones keep serving, then swaps the copies in in one transaction (backbone.rebuild). Because events carry
absolute state with record versions, the result equals the live projections. Killed half-way, it leaves
the live projections untouched; run it again.
"""

import asyncio
import logging
import sys
from functools import partial

from backbone.rebuild import rebuild

from indicators_service.projections import REBUILT_TABLES, TOPICS, apply_event, apply_events
from indicators_service.settings import Settings


async def replay(settings: Settings, progress=None) -> int:
    return await rebuild(
        database_url=settings.async_database_url, bootstrap_servers=settings.kafka_bootstrap_servers,
        topics=TOPICS, tables=REBUILT_TABLES, handle=apply_event, progress=progress,
        handle_batch=partial(apply_events, stored_noted=True),  # into copies only this replay has written
    )


def print_progress(read: int, seconds: float) -> None:
    print(f"\r{read:,} events read, {read / max(seconds, 1e-9):,.0f}/s", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    count = asyncio.run(replay(Settings(), print_progress))
    print(file=sys.stderr)
    print(f"replayed {count} events")
