"""CloudEvents 1.0 in Kafka binary mode: ce_* headers, a plain JSON value, key = pseudonymous child id."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

import event_contracts
from event_contracts.upcasters import UPCASTERS

_FORMAT = JSONFormat()
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion")
# What PostgreSQL cannot store in text or jsonb: a NUL, or a lone surrogate (no UTF-8 for it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidEvent(ValueError):
    """An event that breaks its contract or cannot be applied; consumers dead-letter it."""


@dataclass(frozen=True)
class Event:
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]


def topic_for(event_type: str) -> str:
    """One topic per producing service, named after it (uk.cla.<producer>.<name>.vN -> <producer>)."""
    return event_type.split(".")[2]


def to_kafka_message(*, event_id: str, source: str, event_type: str, subject: str, time: datetime, data: dict):
    event = CloudEvent(
        attributes={
            "id": event_id,
            "source": source,
            "type": event_type,
            "subject": subject,
            "time": time,
            "datacontenttype": "application/json",
            "dataschema": event_contracts.dataschema(event_type),
        },
        data=data,
    )
    message = kafka.to_binary(event, _FORMAT, key_mapper=lambda e: e.get_subject())
    headers = [(name, value) for name, value in message.headers.items()]
    return message.key.encode(), message.value, headers


def upcast(event_type: str, data: dict, upcasters: dict = UPCASTERS) -> tuple[str, dict]:
    """The event as the newest version of its type (event_contracts.upcasters), checked against that version."""
    while event_type in upcasters:
        newer, change = upcasters[event_type]
        data = change(data)
        problems = event_contracts.validation_errors(newer, data, tolerant=True, quote_values=False)
        if problems:
            raise InvalidEvent(f"{event_type} upcast to {newer} breaks its contract: {'; '.join(problems)}")
        event_type = newer
    return event_type, data


def from_kafka_record(record) -> Event:
    """Parse and check an aiokafka ConsumerRecord; raises InvalidEvent when it is not a valid event of ours."""
    headers = dict(record.headers or ())
    # Strict envelope: without its own ce_id a record would get a new random id at each parse, so a
    # redelivery would not be recognised as a duplicate.
    missing = [name for name in REQUIRED_HEADERS if not headers.get(name)]
    if missing:
        raise InvalidEvent(f"envelope lacks {', '.join(missing)}")
    if headers["ce_specversion"] != b"1.0":
        raise InvalidEvent(f"ce_specversion {headers['ce_specversion'][:20]!r} is not 1.0")
    try:
        message = kafka.KafkaMessage(headers=headers, key=record.key, value=record.value)
        event = kafka.from_binary(message, _FORMAT)
    except Exception as error:  # the SDK raises several types for malformed input
        raise InvalidEvent(f"not a CloudEvent in binary mode: {error}") from error
    event_type = event.get_type()
    data = event.get_data()
    attributes = {"ce_id": event.get_id(), "ce_source": event.get_source(), "ce_type": event_type,
                  "ce_subject": event.get_subject() or ""}
    # JSON text holds a NUL or a surrogate only as a \u escape: the walk through the data is needed only then.
    if where := unstorable(attributes) or (b"\\u" in (record.value or b"") and unstorable(data, "data")):
        # Caught here, as the record's fault, rather than by the database on every attempt to apply or park it.
        raise InvalidEvent(f"{where} holds a NUL or a character that is not UTF-8")
    try:
        # Tolerant reader; and the reasons name fields and rules, never values (they are kept in dead_letters).
        problems = event_contracts.validation_errors(event_type, data, tolerant=True, quote_values=False)
    except event_contracts.UnknownEventType as error:
        raise InvalidEvent(str(error)) from error
    if problems:
        raise InvalidEvent(f"{event_type} breaks its contract: {'; '.join(problems)}")
    event_type, data = upcast(event_type, data)
    return Event(
        id=event.get_id(),
        source=event.get_source(),
        type=event_type,
        subject=event.get_subject() or "",
        time=event.get_time(),
        data=data,
    )


def unstorable(value, where: str = "") -> str | None:
    """The first place in ``value`` (a string, or JSON's lists and objects) holding a string PostgreSQL cannot
    store; None when it can all be stored."""
    if isinstance(value, str):
        return (where or "value") if _UNSTORABLE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inside = f"{where}.{key}" if where else str(key)
        if found := (unstorable(key, f"a property name in {where or 'it'}") if isinstance(key, str) else None) \
                or unstorable(item, inside):
            return found
    return None
