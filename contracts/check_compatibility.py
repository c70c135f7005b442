"""CI gate: no schema version may change incompatibly, and none may disappear, across the git history.

Every committed version of each schema file is compared with the working tree. Run from anywhere:
    python contracts/check_compatibility.py
Exits non-zero and lists the reasons when a change breaks compatibility.
"""

import json
import subprocess
import sys
from pathlib import Path

from event_contracts import SCHEMA_DIR
from event_contracts.compatibility import breaking_changes


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=SCHEMA_DIR, check=True, capture_output=True, text=True).stdout


def committed_schema_paths() -> set[str]:
    """Every schema path that any commit has held (repo-relative)."""
    prefix = git("rev-parse", "--show-prefix").strip()
    out = git("log", "--all", "--name-only", "--format=", "--", ".")
    return {line for line in out.splitlines() if line.startswith(prefix) and line.endswith(".json")}


def problems() -> list[str]:
    top = Path(git("rev-parse", "--show-toplevel").strip())
    found: list[str] = []
    for rel in sorted(committed_schema_paths()):
        current = top / rel
        if not current.exists():
            found.append(f"{rel}: a published schema version was deleted")
            continue
        new = json.loads(current.read_text())
        for commit in git("log", "--all", "--format=%H", "--", rel).split():
            try:
                old = json.loads(git("show", f"{commit}:{rel}"))
            except subprocess.CalledProcessError:
                continue  # the commit that deleted it
            found += [f"{rel} (vs {commit[:8]}): {reason}" for reason in breaking_changes(old, new)]
    return found


if __name__ == "__main__":
    reasons = problems()
    for reason in reasons:
        print(reason)
    print(f"schema compatibility: {'FAILED' if reasons else 'ok'}")
    sys.exit(1 if reasons else 0)
