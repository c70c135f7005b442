"""Corrections and late records, one mechanism for every domain service (docs/corrections.md).

A partner amends a record (any field, dates included) or withdraws one entered in error, each time naming
the version it last saw: a change made against an older version is refused with 409 naming the current one,
so two people correcting one record cannot silently overwrite each other. Every change stores the record's
new full state with its version plus one and publishes that state; consumers keep the highest version
(backbone.projections.apply_latest), and a withdrawal removes the record from them for good.
"""

from typing import Protocol

from pydantic import Field

from backbone.errors import Conflict, InputError
from backbone.requests import StrictBody


class Versioned(Protocol):
    record_version: int
    withdrawn: bool


class Change(StrictBody):
    """The body of an amendment or a withdrawal: the version of the record the partner last saw."""

    record_version: int = Field(ge=1, le=2**31 - 1, strict=True, description="The record's version as you last read it.")


def check_current(record: Versioned | None, seen: int, field: str) -> None:
    """The record exists, is not withdrawn, and is still at the version the partner last saw."""
    if record is None or getattr(record, "withdrawn", False):  # a record with no withdrawal (a child) is current
        raise InputError(field, "no such record for this child", "path")
    if record.record_version != seen:
        raise Conflict("record_version", f"the record is at version {record.record_version}, not {seen}: "
                                         "read it again and send your change against that version")


def corrected_fields(record, body: Change, required: set[str]) -> dict:
    """The record's correctable fields with the correction applied (only the fields sent change; a field in
    ``required`` cannot be sent as null): what the rules are checked against before anything is stored."""
    fields = {name: getattr(record, name) for name in type(body).model_fields if name != "record_version"}
    for name in body.model_fields_set - {"record_version"}:
        value = getattr(body, name)
        if value is None and name in required:
            raise InputError(name, "cannot be removed, only corrected")
        fields[name] = value
    return fields


def next_version(record: Versioned) -> None:
    record.record_version += 1


def withdraw(record: Versioned) -> None:
    record.withdrawn = True
    next_version(record)


def withdrawn_flag(record: Versioned) -> dict:
    """What a record's event adds when it was withdrawn (the contracts' optional ``withdrawn: true``)."""
    return {"withdrawn": True} if record.withdrawn else {}


def withdraw_record(record: Versioned | None, seen: int, field: str, save) -> tuple[int, dict]:
    """The whole of a plain withdrawal: the record, at the version last seen, withdrawn and saved with its
    event (``save(record) -> the record as JSON``, the command's own)."""
    check_current(record, seen, field)
    withdraw(record)
    return 200, save(record)
