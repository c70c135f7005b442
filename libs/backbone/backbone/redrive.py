"""Apply parked records again, after the fix that lets them apply: `python -m backbone.redrive <service package>`.

E.g. `python -m backbone.redrive indicators_service`. Reads each parked record back from its topic (the domain
topics are kept forever) at its partition and offset and applies it with the service's own handler, exactly
as the live consumer would. A record that now applies (or was applied meanwhile) leaves dead_letters; one
that fails again stays, with the new reason.
"""

import argparse
import asyncio
import importlib
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import delete, update
from sqlmodel import select

from backbone.consumer import APPLY_FAILED, INVALID, Handler, apply_record, describe
from backbone.events import InvalidEvent, from_kafka_record
from backbone.db import Sessions
from backbone.tables import DeadLetter

log = logging.getLogger(__name__)


async def redrive(*, bootstrap_servers: str, sessions: Sessions, handle: Handler) -> tuple[int, int]:
    """Returns (records applied now or already applied, records still failing)."""
    async with sessions() as session:
        parked = (await session.exec(select(DeadLetter).order_by(DeadLetter.id))).all()
    if not parked:
        return 0, 0
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None)
    await consumer.start()
    resolved = failing = 0
    try:
        for letter in parked:
            tp = TopicPartition(letter.topic, letter.partition)
            consumer.assign([tp])
            consumer.seek(tp, letter.offset)
            record = await asyncio.wait_for(consumer.getone(tp), 30)
            try:
                from_kafka_record(record)  # still invalid (e.g. the contract was not fixed): stays parked
                await apply_record(sessions, handle, record)
            except Exception as error:
                failing += 1
                reason = INVALID if isinstance(error, InvalidEvent) else APPLY_FAILED
                async with sessions() as session, session.begin():
                    await session.exec(update(DeadLetter).where(DeadLetter.id == letter.id)
                                       .values(error=f"{reason}: {describe(error)}"[:2000]))
                continue
            async with sessions() as session, session.begin():
                await session.exec(delete(DeadLetter).where(DeadLetter.id == letter.id))
            resolved += 1
    finally:
        await consumer.stop()
    return resolved, failing


async def _main(package: str) -> tuple[int, int]:
    runtime = importlib.import_module(f"{package}.main").create_app().state.runtime
    if runtime.consumer is None:
        raise SystemExit(f"{package} consumes no events")
    try:
        return await redrive(bootstrap_servers=runtime.settings.kafka_bootstrap_servers, sessions=runtime.sessions,
                             handle=runtime.consumer.handle)
    finally:
        await runtime.engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", help="the service's Python package, e.g. indicators_service")
    logging.basicConfig(level=logging.INFO)
    applied, still_failing = asyncio.run(_main(parser.parse_args().package))
    print(f"re-driven: {applied} applied, {still_failing} still failing (left in dead_letters)")
