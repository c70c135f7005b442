"""Every record kind of every service publishes its row: the contract of each of its events names exactly the
row's published columns (plus effective_date and withdrawn), with the row's types, nullable where the row may
be empty and required where it may not (a column added later is optional in the contract, for compatibility,
but then the row may leave it empty too); a code list's codes are the contract's."""

import re
import typing
from datetime import date, time

import pytest

import event_contracts
from backbone.record_kinds import RecordKind
from backbone.writes import columns
from education_service.records import KINDS as EDUCATION
from health_service.records import KINDS as HEALTH
from leaving_care_service.records import KINDS as LEAVING_CARE
from placements_service.child_records import KINDS as CHILD_RECORDS
from placements_service.commands import PLACEMENTS
from placements_service.households import APPROVALS

KINDS = [PLACEMENTS, *CHILD_RECORDS, APPROVALS, *HEALTH, *EDUCATION, *LEAVING_CARE]
JSON_TYPES = {str: "string", date: "string", time: "string", int: "integer", float: "number", bool: "boolean"}
ALWAYS = {"effective_date", "record_version"}  # every event carries them


def _json_shape(annotation) -> tuple[set[str], tuple | None]:
    """(JSON types, the codes of a code list or None) of a row column's annotation."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    kinds, codes = set(), None
    for part in typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, type(int | None)) else (annotation,):
        if typing.get_origin(part) is typing.Annotated:
            part = typing.get_args(part)[0]
        if part is type(None):
            kinds.add("null")
        elif typing.get_origin(part) is typing.Literal:
            kinds.add("string")
            codes = typing.get_args(part)
        else:
            kinds.add(JSON_TYPES[part])
    return kinds, codes


@pytest.mark.parametrize("kind, event_type", [(k, t) for k in KINDS for t in k.event_types],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_a_kinds_contract_is_its_row(kind: RecordKind, event_type: str):
    schema = event_contracts.load_schema(event_type)
    hints = typing.get_type_hints(kind.row, include_extras=True)
    published = {c: hints[c] for c in columns(kind.row) if c != "withdrawn" and c not in kind.private}
    assert set(schema["properties"]) == set(published) | ALWAYS | {"withdrawn"}, "names"
    assert ALWAYS <= set(schema["required"]) <= set(published) | ALWAYS, "required"
    for column, annotation in published.items():
        rules = schema["properties"][column]
        types, codes = _json_shape(annotation)
        declared = set(rules["type"]) if isinstance(rules["type"], list) else {rules["type"]}
        assert declared == types, f"{column}: the contract says {declared}, the row {types}"
        if annotation is date or date in typing.get_args(annotation):
            assert rules.get("format") == "date", column
        if annotation is time or time in typing.get_args(annotation):  # the contract takes the times the row writes
            for written in (time(0, 0), time(23, 59, 59), time(8, 30, 0, 250000)):
                assert re.fullmatch(rules["pattern"], written.isoformat()), (column, written.isoformat())
        if codes:
            assert set(codes) == set(rules["enum"]) - {None}, column
        if "null" not in types:
            assert column in schema["required"], f"{column}: a record always has it, its contract must require it"
