"""The event contracts: one JSON Schema per event type and version.

An event type looks like ``uk.cla.<producer>.<event-name>.v<N>``; its schema lives at
``schemas/<producer>/<event-name>.v<N>.json``. The producer is also the Kafka topic.
"""

import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).parent / "schemas"
TYPE_PREFIX = "uk.cla."
_TYPE_PATTERN = re.compile(r"^uk\.cla\.(?P<producer>[a-z-]+)\.(?P<name>[a-z-]+)\.v(?P<version>\d+)$")


class UnknownEventType(LookupError):
    pass


def schema_path(event_type: str) -> Path:
    match = _TYPE_PATTERN.match(event_type)
    if not match:
        raise UnknownEventType(f"not an event type of this system: {event_type!r}")
    path = SCHEMA_DIR / match["producer"] / f"{match['name']}.v{match['version']}.json"
    if not path.exists():
        raise UnknownEventType(f"no schema for {event_type!r}")
    return path


def event_type_for(path: Path) -> str:
    """The event type whose schema is at ``path`` (inverse of schema_path)."""
    name, version = path.name.removesuffix(".json").rsplit(".v", 1)
    return f"{TYPE_PREFIX}{path.parent.name}.{name}.v{version}"


def all_event_types() -> list[str]:
    return sorted(event_type_for(p) for p in SCHEMA_DIR.glob("*/*.json"))


@cache
def load_schema(event_type: str) -> dict:
    return json.loads(schema_path(event_type).read_text())


@cache
def validator(event_type: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(event_type), format_checker=FormatChecker())


def validation_errors(event_type: str, data: dict) -> list[str]:
    """Human-readable reasons ``data`` breaks the contract of ``event_type`` (empty when it conforms)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator(event_type).iter_errors(data)
    ]


def dataschema(event_type: str) -> str:
    return load_schema(event_type)["$id"]
