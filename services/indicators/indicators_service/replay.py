"""Rebuild the KPI projections from the topics: `python -m indicators_service.replay`.

Empties the projections and the duplicate guard, then applies every event from the beginning of each
topic. Because events carry absolute state with record versions, the result equals the live projections.
"""

import asyncio
import logging

from backbone.consumer import replay_topics
from backbone.db import create_engine, session_factory

from indicators_service.projections import TOPICS, apply_event, clear
from indicators_service.settings import Settings


async def replay(settings: Settings) -> int:
    engine = create_engine(settings.async_database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            await clear(session)
        return await replay_topics(
            bootstrap_servers=settings.kafka_bootstrap_servers, topics=TOPICS, sessions=sessions, handle=apply_event
        )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"replayed {asyncio.run(replay(Settings()))} events")
