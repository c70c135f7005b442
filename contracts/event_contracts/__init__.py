"""The event contracts: one JSON Schema per event type and version.

An event type looks like ``uk.cla.<producer>.<event-name>.v<N>``; its schema lives at
``schemas/<producer>/<event-name>.v<N>.json``. The producer is also the Kafka topic.
"""

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

import fastjsonschema
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


def schema_as_read(event_type: str, tolerant: bool) -> dict:
    """The schema as producers check it, or as a tolerant reader does (unknown properties allowed)."""
    schema = load_schema(event_type)
    return _without_closed_objects(schema) if tolerant else schema


@cache
def validator(event_type: str, tolerant: bool = False) -> Draft202012Validator:
    return Draft202012Validator(schema_as_read(event_type, tolerant), format_checker=FormatChecker())


@cache
def fast_check(event_type: str, tolerant: bool = False):
    """The same contract compiled to Python code (fastjsonschema): about 15 times faster than jsonschema, for
    the common case of a valid event. It says only yes or no; jsonschema names every problem."""
    return fastjsonschema.compile(schema_as_read(event_type, tolerant), use_formats=True,
                                  formats={"date": _is_date})


def _is_date(value: str) -> bool:
    """RFC 3339 full-date, as jsonschema checks it: ASCII digits only (fastjsonschema's own accepts any
    Unicode digit), and a real calendar day."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validation_errors(event_type: str, data: dict, tolerant: bool = False, quote_values: bool = True) -> list[str]:
    """Human-readable reasons ``data`` breaks the contract of ``event_type`` (empty when it conforms).

    A producer checks strictly (``additionalProperties: false`` catches a misspelt field before it is
    published). A consumer reads tolerantly: the compatibility gate lets a producer add an optional property
    to a published version, so a consumer built against the older copy of the schema must accept properties
    it does not know (and ignore them) rather than dead-letter the event.
    """
    try:
        fast_check(event_type, tolerant)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: let jsonschema say exactly why
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: "
        + (error.message if quote_values else f"fails its '{error.validator}' rule")  # values may be a child's data
        for error in validator(event_type, tolerant).iter_errors(data)
    ]


def _without_closed_objects(schema):
    if isinstance(schema, dict):
        return {k: _without_closed_objects(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_without_closed_objects(v) for v in schema]
    return schema


def dataschema(event_type: str) -> str:
    return load_schema(event_type)["$id"]
