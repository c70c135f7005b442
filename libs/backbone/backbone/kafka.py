"""Kafka clients with the settings the whole system relies on."""

import asyncio
import logging

from aiokafka import AIOKafkaProducer


def create_producer(bootstrap_servers: str, client_id: str, enable_idempotence: bool) -> AIOKafkaProducer:
    # acks=all and (where the broker supports it) the idempotent producer: a committed send is never lost or doubled.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=enable_idempotence,
        # The relay sends a batch of outbox rows at once; a longer linger would only delay them (docs/benchmarks.md).
        linger_ms=2,
    )


async def broker_reachable(client, timeout: float = 2.0) -> bool:
    """True when the broker answers a metadata request through an aiokafka client."""
    try:
        return bool(await asyncio.wait_for(client.fetch_all_metadata(), timeout))
    except Exception:
        return False


# A stop must fit the orchestrator's grace period (compose's default is 10 s). Cutting a Kafka client's stop
# short loses nothing: a consumer commits its offsets after every batch it applied, and the outbox keeps every
# event until the broker has acknowledged it (a re-send is a duplicate, which consumers ignore).
STOP_SECONDS = 5.0


async def stop_within(client, what: str) -> None:
    """Stop an aiokafka client, waiting at most STOP_SECONDS (e.g. for a group coordinator that just came back)."""
    try:
        await asyncio.wait_for(client.stop(), STOP_SECONDS)
    except TimeoutError:
        logging.getLogger(__name__).warning("%s did not stop within %.0f s: left to the broker to expire", what,
                                            STOP_SECONDS)
