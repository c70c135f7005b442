"""Kafka clients with the settings the whole system relies on."""

import asyncio

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
