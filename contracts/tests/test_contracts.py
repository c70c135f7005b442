import copy
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import event_contracts
from event_contracts.compatibility import breaking_changes

BASE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["child_id", "start_date"],
    "properties": {
        "child_id": {"type": "string"},
        "start_date": {"type": "string", "format": "date"},
        "code": {"type": "string", "enum": ["A", "B"]},
    },
}


@pytest.mark.parametrize("event_type", event_contracts.all_event_types())
def test_every_schema_is_a_valid_json_schema_with_a_matching_id(event_type):
    schema = event_contracts.load_schema(event_type)
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False  # nothing beyond the contract reaches the bus
    assert "child_id" in schema["required"] and "record_version" in schema["required"]


def test_schema_paths_and_types_round_trip():
    types = event_contracts.all_event_types()
    assert "uk.cla.placements.placement-started.v1" in types
    for event_type in types:
        assert event_contracts.event_type_for(event_contracts.schema_path(event_type)) == event_type
    with pytest.raises(event_contracts.UnknownEventType):
        event_contracts.schema_path("uk.cla.placements.no-such-event.v1")


def test_validation_reports_the_field_and_reason():
    problems = event_contracts.validation_errors("uk.cla.health.initial-health-assessment-completed.v1", {
        "assessment_id": "a1", "child_id": "c1", "completed_date": "not-a-date", "effective_date": "2025-01-01",
        "record_version": 1, "name": "Jane",
    })
    assert any(p.startswith("completed_date:") for p in problems)
    assert any("'name' was unexpected" in p for p in problems)


def test_adding_an_optional_property_and_editing_descriptions_is_compatible():
    new = copy.deepcopy(BASE)
    new["properties"]["carer_id"] = {"type": ["string", "null"]}
    new["description"] = "clearer words"
    assert breaking_changes(BASE, new) == []


@pytest.mark.parametrize("change, reason", [
    (lambda s: s["required"].append("code"), "'code' became required"),
    (lambda s: s["required"].remove("start_date"), "'start_date' is no longer required"),
    (lambda s: s["properties"].pop("code"), "/code: property removed"),
    (lambda s: s["properties"]["code"]["enum"].append("C"), "/code: 'enum' changed"),
    (lambda s: s["properties"]["start_date"].update(type="integer"), "/start_date: 'type' changed"),
    (lambda s: s.update(additionalProperties=True), "(root): 'additionalProperties' changed"),
])
def test_incompatible_changes_are_named(change, reason):
    new = copy.deepcopy(BASE)
    change(new)
    assert any(reason in problem for problem in breaking_changes(BASE, new))


def test_the_history_gate_passes_on_this_checkout():
    script = Path(__file__).resolve().parent.parent / "check_compatibility.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema compatibility: ok" in result.stdout
