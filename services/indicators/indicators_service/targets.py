"""The council's targets per KPI, from a file it edits, and whether a figure is worse than its target."""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_TARGETS = Path(__file__).parent / "targets.toml"


@dataclass(frozen=True)
class Target:
    value: float
    direction: Literal["higher", "lower"]  # which way is better

    def breached_by(self, figure: float | None) -> bool | None:
        """True when ``figure`` is worse than the target; None when there is no figure (no data)."""
        if figure is None:
            return None
        return figure < self.value if self.direction == "higher" else figure > self.value


def load_targets(path: Path, known_kpis: set[str]) -> dict[str, Target]:
    targets = {}
    for kpi, entry in tomllib.loads(path.read_text()).items():
        if kpi not in known_kpis:
            raise ValueError(f"{path}: no KPI is called {kpi!r}")
        if entry.get("direction") not in ("higher", "lower"):
            raise ValueError(f"{path}: [{kpi}] direction must be \"higher\" or \"lower\"")
        targets[kpi] = Target(float(entry["target"]), entry["direction"])
    return targets
