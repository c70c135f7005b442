"""Fuzzing every service's OpenAPI document with schemathesis against the running stack, with authentication
registered: no server error, and every response (401/403/404/413/422/429 included) documented and
conforming to its schema. Bounded: FUZZ_EXAMPLES examples per operation, a fixed seed, under the services'
rate limit. Its missing-token probes must each get a 401, so the test stack's failed-authentication
throttle is set high (devstack/pytest_plugin.py); it still runs after every other test that uses the stack
(marker `runs_last`), as its load would slow them. Which checks run, and why
some are set differently: schemathesis.toml beside this file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.partners import DEV_TOKENS

pytestmark = [pytest.mark.integration, pytest.mark.runs_last]
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "15")
CONFIG = Path(__file__).with_name("schemathesis.toml")

# service -> the partner whose scopes open its operations
PARTNERS = {"placements": "case-system", "health": "health-provider", "education": "virtual-school",
            "leaving_care": "leaving-care-team", "indicators": "service-manager"}


@pytest.mark.parametrize("service", list(PARTNERS))
def test_fuzzing_finds_no_server_error_and_no_undocumented_response(stack, service, tmp_path):
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "--no-color",
        "run", f"{stack.url(service)}/openapi.json",
        "--header", f"Authorization: Bearer {DEV_TOKENS[PARTNERS[service]]}",
        "--max-examples", EXAMPLES, "--seed", "20261124", "--rate-limit", "100/s", "--request-timeout", "30",
        "--report", "junit", "--report-junit-path", str(tmp_path / "report.xml"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "tests=" in (tmp_path / "report.xml").read_text()  # it really ran operations
