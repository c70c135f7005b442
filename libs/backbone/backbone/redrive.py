"""Apply parked records again, after the fix that lets them apply: `python -m backbone.redrive <service package>`.

E.g. `python -m backbone.redrive indicators_service`. Reads each parked record back from its topic (the domain
topics are kept forever) at its partition and offset and applies it with the service's own handler, exactly
as the live consumer would. A record that now applies leaves dead_letters; one that fails again stays, with
the new reason.
"""

import argparse
import asyncio
import importlib

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import delete, update
from sqlmodel import select

from backbone.consumer import APPLY_FAILED, INVALID, Handler, apply_record, dead_letter_reason
from backbone.events import InvalidEvent, from_kafka_record
from backbone.db import Sessions
from backbone.tables import DeadLetter, ProcessedEvent


async def redrive(*, bootstrap_servers: str, sessions: Sessions, handle: Handler) -> tuple[int, int]:
    """Returns (records applied now, records still failing)."""
    async with sessions() as session:
        parked = (await session.exec(select(DeadLetter).order_by(DeadLetter.id))).all()
    if not parked:
        return 0, 0
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="none")
    resolved = failing = 0
    try:
        await consumer.start()
        for letter in parked:
            try:
                record = await _record_at(consumer, letter)
                event = from_kafka_record(record)  # still invalid (e.g. the contract was not fixed): stays parked
                async with sessions() as session, session.begin():
                    # A record a handler refused was claimed when it was parked: unclaim it, so it is applied now
                    # rather than skipped as a duplicate.
                    await session.exec(delete(ProcessedEvent).where(
                        ProcessedEvent.source == event.source, ProcessedEvent.event_id == event.id))
                if not await apply_record(sessions, handle, record):
                    raise InvalidEvent("the handler refused it again")  # it stays parked
            except Exception as error:
                failing += 1
                reason = INVALID if isinstance(error, InvalidEvent) else APPLY_FAILED
                async with sessions() as session, session.begin():
                    await session.exec(update(DeadLetter).where(DeadLetter.id == letter.id)
                                       .values(error=dead_letter_reason(reason, error)))
                continue
            async with sessions() as session, session.begin():
                await session.exec(delete(DeadLetter).where(DeadLetter.id == letter.id))
            resolved += 1
    finally:
        await consumer.stop()
    return resolved, failing


async def _record_at(consumer: AIOKafkaConsumer, letter: DeadLetter):
    tp = TopicPartition(letter.topic, letter.partition)
    consumer.assign([tp])
    consumer.seek(tp, letter.offset)
    record = await asyncio.wait_for(consumer.getone(tp), 30)
    if record.offset != letter.offset:
        raise LookupError(f"{letter.topic}[{letter.partition}]@{letter.offset} is no longer on the topic")
    return record


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
    applied, still_failing = asyncio.run(_main(parser.parse_args().package))
    print(f"re-driven: {applied} applied, {still_failing} still failing (left in dead_letters)")
