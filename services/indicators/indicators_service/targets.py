"""What each KPI is compared with, from a file the council edits: its target, and published comparison values
(England, statistical neighbours, region) with their year and source. Which way is better comes from the
KPI's own definition, so a target can never be read the wrong way round."""

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_TARGETS = Path(__file__).parent / "targets.toml"
DEFAULT_AMBER_WITHIN = 5.0  # in the KPI's unit: percentage points for a percentage


@dataclass(frozen=True)
class Benchmark:
    name: str  # "England", "Statistical neighbours", "Region"
    value: float
    year: str
    source: str
    band: str | None = None  # the breakdown group the value compares with (e.g. "19-21"); None: the whole figure


@dataclass(frozen=True)
class Target:
    value: float | None  # None: compared with benchmarks only
    direction: str  # "higher" or "lower" is better ("neither": no red/amber/green)
    amber_within: float = DEFAULT_AMBER_WITHIN
    benchmarks: tuple[Benchmark, ...] = ()

    def breached_by(self, figure: float | None) -> bool | None:
        """True when ``figure`` is worse than the target; None when there is no figure (no data) or target."""
        if figure is None or self.value is None or self.direction not in ("higher", "lower"):
            return None
        return figure < self.value if self.direction == "higher" else figure > self.value

    def rag(self, figure: float | None) -> str | None:
        """green: meets the target; amber: worse, but within ``amber_within`` of it; red: further off."""
        breached = self.breached_by(figure)
        if breached is None:
            return None
        if not breached:
            return "green"
        return "amber" if abs(figure - self.value) <= self.amber_within else "red"

    def as_json(self, figure: float | None) -> dict:
        return {"target": self.value, "rag": self.rag(figure), "benchmarks": [asdict(b) for b in self.benchmarks]}


_KEYS = {"target", "amber_within", "benchmarks"}


def load_targets(path: Path, directions: dict[str, str]) -> dict[str, Target]:
    """``directions``: KPI id -> which way is better, for every KPI that exists."""
    targets = {}
    for kpi, entry in tomllib.loads(path.read_text()).items():
        if kpi not in directions:
            raise ValueError(f"{path}: no KPI is called {kpi!r}")
        if unknown := set(entry) - _KEYS:
            raise ValueError(f"{path}: [{kpi}] has unknown settings {sorted(unknown)} (known: {sorted(_KEYS)})")
        try:
            benchmarks = tuple(Benchmark(b["name"], float(b["value"]), str(b["year"]), b["source"], b.get("band"))
                               for b in entry.get("benchmarks", []))
        except KeyError as missing:
            raise ValueError(f"{path}: [{kpi}] a benchmark needs name, value, year and source; {missing} is missing")
        target = float(entry["target"]) if "target" in entry else None
        targets[kpi] = Target(target, directions[kpi], float(entry.get("amber_within", DEFAULT_AMBER_WITHIN)), benchmarks)
    return targets
