"""Fuzzing every service's OpenAPI document with schemathesis against the running stack, with authentication
registered: no server error, and every response (401/403/404/413/422/429 included) documented and
conforming to its schema. Bounded: FUZZ_EXAMPLES examples per operation, a fixed seed, under the services'
rate limit. Its missing-token probes must each get a 401, so the test stack's failed-authentication
throttle is set high (devstack/pytest_plugin.py); it still runs after every other test that uses the stack
(marker `runs_last`), as its load would slow them. Which checks run, and why some are set differently:
schemathesis.toml beside this file.

Each route SHAPE is fuzzed once. Record kinds are declared, and their routes derived (backbone.record_kinds):
a visit's, a review's and a conviction's routes differ only in names (the path's noun, field names, a code
list's values), and fuzzing each would re-test the same code. So an operation stands in for another when
both have the same route shape (method, path parameters, headers, query, documented responses, body
type, everything but names) and its body has every kind of field the other's has (a required date, an
optional code from a list, an id of a given pattern...). A new kind whose route or fields differ in any
other way (a new field type, a constraint, a response) is fuzzed on its own: nothing escapes by being new."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devstack.partners import DEV_TOKENS

pytestmark = pytest.mark.integration
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "15")
CONFIG = Path(__file__).with_name("schemathesis.toml")

# service -> the partner whose scopes open its operations
PARTNERS = {"placements": "case-system", "health": "health-provider", "education": "virtual-school",
            "leaving_care": "leaving-care-team", "indicators": "service-manager"}
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}
NAMES = {"title", "description", "summary", "operationId", "tags", "example", "examples", "default"}


def _shape(schema, components: dict):
    """``schema`` with every $ref resolved and every name dropped: documentation, property names (their
    schemas kept, sorted) and a code list's values (the list kept). What validation does, not what it calls it."""
    if isinstance(schema, list):
        return [_shape(item, components) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _shape(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    shape = {}
    for key, value in schema.items():
        if key == "properties":
            shape[key] = sorted(_field(schema, name, components) for name in value)
        elif key == "enum":
            shape[key] = "a list of codes"
        elif key not in NAMES and key != "required":
            shape[key] = _shape(value, components)
    return shape


def _field(schema: dict, name: str, components: dict) -> str:
    return json.dumps([_shape(schema["properties"][name], components), name in schema.get("required", ())],
                      sort_keys=True)


@dataclass(frozen=True)
class Operation:
    id: str
    label: str  # "POST /children/{child_id}/visits", as schemathesis names it in its report
    route: str  # the shape of everything but the body's fields
    fields: frozenset[str]  # the shape of each of the body's fields


def operations(document: dict) -> list[Operation]:
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, item in document["paths"].items():
        for method, operation in ((m, o) for m, o in item.items() if m in HTTP_METHODS):
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            body = components[body["$ref"].rsplit("/", 1)[-1]] if "$ref" in body else body
            fields = frozenset(_field(body, name, components) for name in body.get("properties", {}))
            route = {
                "method": method,
                "path": ["{}" if segment.startswith("{") else "a noun" for segment in path.strip("/").split("/")],
                "parameters": sorted(json.dumps(_shape({**p, "name": "{}" if p["in"] == "path" else p["name"]}, components),
                                                sort_keys=True) for p in operation.get("parameters", [])),
                "body": _shape({k: v for k, v in body.items() if k not in ("properties", "required")}, components),
                "rest": _shape({k: v for k, v in operation.items() if k not in ("parameters", "requestBody")}, components),
            }
            found.append(Operation(operation["operationId"], f"{method.upper()} {path}",
                                   json.dumps(route, sort_keys=True), fields))
    return found


def stand_ins(document: dict) -> dict[str, Operation]:
    """Each operation's id -> the operation fuzzed in its stead (itself when it is fuzzed). The ones with the
    most fields are chosen first, so one stands for as many of its shape as it can."""
    fuzzed: list[Operation] = []
    chosen = {}
    for operation in sorted(operations(document), key=lambda o: -len(o.fields)):
        stand_in = next((f for f in fuzzed if f.route == operation.route and operation.fields <= f.fields), None)
        if stand_in is None:
            fuzzed.append(stand_in := operation)
        chosen[operation.id] = stand_in
    return chosen


def _document(paths: dict, schemas: dict) -> dict:
    return {"paths": paths, "components": {"schemas": schemas}}


def _record_route(noun: str, schema: str, responses: tuple[str, ...] = ("201", "422")) -> dict:
    return {f"/children/{{child_id}}/{noun}": {"post": {
        "operationId": f"record_{noun}", "summary": f"Record a {noun}",
        "parameters": [{"name": "child_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Z0-9]+$"}}],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}},
        "responses": {status: {"description": status} for status in responses}}}}


DATE, OPTIONAL_CODE = {"type": "string", "format": "date"}, {"anyOf": [{"type": "string", "enum": ["A", "B"]}, {"type": "null"}]}


def _body(title: str, required: list[str], **properties) -> dict:
    return {"title": title, "type": "object", "additionalProperties": False, "required": required, "properties": properties}


def test_an_operation_stands_in_only_for_the_same_route_shape_with_no_field_of_another_kind():
    schemas = {
        "Review": _body("Review", ["review_date"], review_date=DATE, participation=OPTIONAL_CODE),
        # The same kinds of field under other names and codes, one fewer: a review stands in for it.
        "Visit": _body("Visit", ["visit_date"], visit_date={**DATE, "title": "Visit date"},
                       seen={"anyOf": [{"type": "string", "enum": ["Y", "N", "U"]}, {"type": "null"}]}),
        "Check": _body("Check", ["check_date"], check_date=DATE),
        # A field of a kind no other body has (an integer), a constraint another lacks, a field required
        # where the other's is optional: each is fuzzed on its own.
        "Score": _body("Score", ["score_date"], score_date=DATE, score={"type": "integer", "minimum": 0}),
        "Dated": _body("Dated", ["dated"], dated={**DATE, "maxLength": 10}),
        "Coded": _body("Coded", ["coded_date", "code"], coded_date=DATE, code={"type": "string", "enum": ["A"]}),
    }
    paths = {}
    for noun in schemas:
        paths |= _record_route(noun.lower() + "s", noun)
    paths |= _record_route("retries", "Check", responses=("201", "422", "503"))  # documents another answer
    chosen = {operation: stand_in.id for operation, stand_in in stand_ins(_document(paths, schemas)).items()}
    assert chosen == {"record_reviews": "record_reviews", "record_visits": "record_reviews",
                      "record_checks": "record_reviews", "record_scores": "record_scores",
                      "record_dateds": "record_dateds", "record_codeds": "record_codeds",
                      "record_retries": "record_retries"}


def test_every_operation_of_every_service_is_fuzzed_or_stood_in_for_by_one_of_its_shape(stack):
    for service in PARTNERS:
        document = httpx.get(f"{stack.url(service)}/openapi.json").json()
        chosen = stand_ins(document)
        every = {o.id: o for o in operations(document)}
        assert set(chosen) == {operation["operationId"] for item in document["paths"].values() for operation in item.values()}
        for operation_id, stand_in in chosen.items():
            assert stand_in.route == every[operation_id].route and every[operation_id].fields <= stand_in.fields
    # What it saves: the children's record kinds' withdrawals are one route shape, fuzzed once.
    placements = stand_ins(httpx.get(f"{stack.url('placements')}/openapi.json").json())
    withdrawals = {stand_in.id for operation, stand_in in placements.items()
                   if operation.startswith("withdraw_") and "_children_" in operation}
    assert len(withdrawals) == 1, withdrawals


@pytest.mark.runs_last
@pytest.mark.parametrize("service", list(PARTNERS))
def test_fuzzing_finds_no_server_error_and_no_undocumented_response(stack, service, tmp_path):
    fuzzed = {stand_in.id: stand_in.label
              for stand_in in stand_ins(httpx.get(f"{stack.url(service)}/openapi.json").json()).values()}
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "--no-color",
        "run", f"{stack.url(service)}/openapi.json",
        "--header", f"Authorization: Bearer {DEV_TOKENS[PARTNERS[service]]}",
        "--max-examples", EXAMPLES, "--seed", "20261124", "--rate-limit", "100/s", "--request-timeout", "30",
        "--report", "junit", "--report-junit-path", str(tmp_path / "report.xml"),
        *(f"--include-operation-id={operation_id}" for operation_id in sorted(fuzzed)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # It really ran each chosen operation, and only those (the stateful phase is one more case).
    ran = {case.get("name") for case in ElementTree.parse(tmp_path / "report.xml").iter("testcase")}
    assert ran - {"Stateful tests"} == set(fuzzed.values()), result.stdout[-3000:]
