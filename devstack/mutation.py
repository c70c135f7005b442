"""Mutation testing of the KPI definitions (`make mutation`; not part of `make test`: it takes long).

A KPI is mostly SQL in a string, which Python mutation tools leave alone, so this drives cosmic-ray with two
operators of its own besides its number replacer: a comparison in the SQL made strict or loose (<= to <, <
to <=, >= to >, > to >=), and a number in the SQL moved by one (30 months to 31 or 29). Each mutant of a KPI
module is tested by that KPI's tests (services/indicators/tests/kpis/test_<kpi_id>.py); a mutant of a shared
module (populations, due dates) by every KPI's. A mutant no test kills is a threshold or a window edge no
fixture sits on (docs/mutation.md records the last run).

cosmic-ray mutates the file in place and puts it back after each test run: run it on a committed tree and
let it finish (Ctrl-C restores the file too). One PostgreSQL serves every test run (TEST_DATABASE_URL).

    python -m devstack.mutation [--minutes M] [--only KPI_ID_OR_MODULE ...]
"""

import argparse
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cosmic_ray.ast import ast_nodes, get_ast_from_path
from cosmic_ray.mutating import use_mutation
from cosmic_ray.operators.number_replacer import NumberReplacer
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.testing import run_tests
from cosmic_ray.work_item import TestOutcome

from devstack.infra import EmbeddedPostgres, free_port
from devstack.services import ROOT

KPI_MODULES = ROOT / "services/indicators/indicators_service/kpis"
KPI_TESTS = ROOT / "services/indicators/tests/kpis"
SHARED = ["populations.py", "due_dates.py"]  # read by many KPIs: tested by all of their tests
STRING_PARTS = {"string", "fstring_string"}  # parso's leaves of a literal and of an f-string's text
# SQL, not prose: a definition's "every 6 weeks" is documentation, its query's "+ 42" the rule.
SQL_WORDS = re.compile(r"\b(SELECT|WHERE|JOIN|CASE WHEN|CAST|INTERVAL|BETWEEN)\b")


def _in_sql(leaf) -> bool:
    string = leaf.parent if leaf.type == "fstring_string" else leaf  # an f-string's text: the whole f-string
    return bool(SQL_WORDS.search(string.get_code()))


class _InSql(Operator):
    """Rewrites one match of ``PATTERN`` inside a string literal (the SQL), via ``replace``."""

    PATTERN: re.Pattern

    def _matches(self, node):
        if node.type in STRING_PARTS and _in_sql(node):
            yield from self.PATTERN.finditer(node.value)

    def mutation_positions(self, node):
        for match in self._matches(node):
            before = node.value[:match.start()]
            line = node.start_pos[0] + before.count("\n")
            column = match.start() - (before.rfind("\n") + 1) + (0 if "\n" in before else node.start_pos[1])
            yield (line, column), (line, column + len(match.group()))

    def mutate(self, node, index):
        match = list(self._matches(node))[index]
        node.value = node.value[:match.start()] + self.replace(match.group()) + node.value[match.end():]
        return node

    def replace(self, text: str) -> str:
        raise NotImplementedError


class SqlComparisonBoundary(_InSql):
    """<= and <, >= and > swapped in SQL; not <> (not equal), => (a named argument) or -> (JSON)."""

    PATTERN = re.compile(r"(?<![<>=!-])(<=|>=|<|>)(?![<>=])")
    SWAP = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}

    def replace(self, text):
        return self.SWAP[text]

    @classmethod
    def examples(cls):
        return (Example('q = "a <= b"', 'q = "a < b"'), Example('q = "a > b"', 'q = "a >= b"'))


class SqlNumberPlusOne(_InSql):
    """A number in SQL, one more (not a code such as E11, nor part of a name or a decimal)."""

    PATTERN = re.compile(r"(?<![\w.])\d+(?![\w.])")

    def replace(self, text):
        return str(int(text) + 1)

    @classmethod
    def examples(cls):
        return (Example('q = "d - INTERVAL \'30 months\'"', 'q = "d - INTERVAL \'31 months\'"'),)


class SqlNumberMinusOne(SqlNumberPlusOne):
    def replace(self, text):
        return str(int(text) - 1)


class PythonNumber(NumberReplacer):
    """cosmic-ray's number replacer, less a KPI's place in its list (``position=``: display order only)."""

    def mutation_positions(self, node):
        argument = node.parent
        if not (argument is not None and argument.type == "argument" and argument.children[0].value == "position"):
            yield from super().mutation_positions(node)


OPERATORS = [SqlComparisonBoundary(), SqlNumberPlusOne(), SqlNumberMinusOne(), PythonNumber()]


@dataclass
class Mutant:
    module: Path
    operator: Operator
    occurrence: int
    line: int
    before: str  # the line as it was
    after: str = ""  # and as mutated
    outcome: str = "not run"  # killed, survived, incompetent (the tests could not run), timeout


def mutants(module: Path) -> list[Mutant]:
    found = []
    lines = module.read_text().splitlines()
    for operator in OPERATORS:
        positions = [start for node in ast_nodes(get_ast_from_path(module)) for start, _ in operator.mutation_positions(node)]
        found += [Mutant(module, operator, occurrence, line, lines[line - 1].strip())
                  for occurrence, (line, _) in enumerate(positions)]
    return found


def test_modules(module: Path) -> list[Path]:
    """The tests of the KPIs ``module`` defines (``KPI = Kpi(id=...)``), or of every KPI for a shared one."""
    if module.name in SHARED:
        return sorted(KPI_TESTS.glob("test_*.py"))
    ids = re.findall(r'\bid="(\w+)"', module.read_text())
    return [KPI_TESTS / f"test_{kpi_id}.py" for kpi_id in ids if (KPI_TESTS / f"test_{kpi_id}.py").exists()]


def run(mutant: Mutant, tests: list[Path], timeout: float) -> None:
    command = shlex.join([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *map(str, tests)])
    with use_mutation(mutant.module, mutant.operator, mutant.occurrence) as (_, mutated):
        mutant.after = mutated.splitlines()[mutant.line - 1].strip() if mutated else ""
        outcome, _ = run_tests(command, timeout)
    mutant.outcome = {TestOutcome.KILLED: "killed", TestOutcome.SURVIVED: "survived"}.get(outcome, "incompetent")


def report(ran: list[Mutant], skipped: int, minutes: float) -> str:
    killed = sum(m.outcome == "killed" for m in ran)
    scored = [m for m in ran if m.outcome in ("killed", "survived")]
    lines = [f"{len(ran)} mutants run in {minutes:.0f} minutes ({skipped} not run: out of time or not selected); "
             f"{killed} killed of {len(scored)}: score {100 * killed / max(len(scored), 1):.1f}%", "",
             "| module | line | mutant | outcome |", "|---|---|---|---|"]
    for m in ran:
        if m.outcome != "killed":
            lines.append(f"| {m.module.relative_to(KPI_MODULES)} | {m.line} | `{m.before}` → `{m.after}` | {m.outcome} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=None, help="stop starting mutants after this long")
    parser.add_argument("--only", nargs="*", default=[], help="KPI ids or module names (e.g. visits_on_time, populations)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one test run may take")
    parser.add_argument("--report", type=Path, default=ROOT / ".devstack/mutation-report.md")
    args = parser.parse_args()
    modules = sorted(p for p in KPI_MODULES.rglob("*.py") if p.parent != KPI_MODULES or p.name in SHARED)
    if args.only:
        modules = [p for p in modules if p.stem in args.only]
    planned = [(m, tests) for module in modules if (tests := test_modules(module)) for m in mutants(module)]
    # Boundaries first (a strict or loose comparison), then numbers: the most telling mutants in the time given.
    planned.sort(key=lambda planned_mutant: OPERATORS.index(planned_mutant[0].operator))
    server, folder = None, None
    if "TEST_DATABASE_URL" not in os.environ:  # one server for every test run, not one per run
        folder = Path(tempfile.mkdtemp(prefix="cla-mutation-pg-"))
        server = EmbeddedPostgres(folder / "data", free_port(), fsync=False).start()
        os.environ["TEST_DATABASE_URL"] = server.url
    started, ran = time.monotonic(), []
    try:
        for mutant, tests in planned:
            if args.minutes and time.monotonic() - started > args.minutes * 60:
                break
            run(mutant, tests, args.timeout)
            ran.append(mutant)
            print(f"{mutant.outcome:>11}  {mutant.module.name}:{mutant.line}  {mutant.before} -> {mutant.after}", flush=True)
    finally:
        if server:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)
        text = report(ran, len(planned) - len(ran), (time.monotonic() - started) / 60)
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n")
        print(text)


if __name__ == "__main__":
    main()
