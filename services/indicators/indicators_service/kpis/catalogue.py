"""The KPI catalogue page, written from the registry: `python -m indicators_service.kpis.catalogue`
(writes docs/kpis.md; a test fails if the committed page differs)."""

import sys
from pathlib import Path

from indicators_service.kpis.registry import KPIS

OUTPUT = Path(__file__).resolve().parents[4] / "docs" / "kpis.md"

_DIRECTION = {"higher": "higher is better", "lower": "lower is better", "neither": "context"}


def render() -> str:
    lines = [
        "# KPIs live in the indicators service",
        "",
        "Generated from the KPI registry (`services/indicators/indicators_service/kpis/`, one module per KPI) by",
        "`python -m indicators_service.kpis.catalogue`; do not edit by hand. Every KPI here is served by",
        "`GET /kpis/{id}` (value, numerator, denominator), `GET /kpis/{id}/children` (the children behind it),",
        "`GET /kpis/{id}/history` (month-end values) and the `cla_kpi_value{kpi=\"id\"}` gauge. The full",
        "catalogue the product is working towards is `../shared/kpis.md`.",
        "",
    ]
    for domain in dict.fromkeys(k.domain for k in KPIS.values()):
        lines += [f"## {domain.capitalize()}", "", "| id | title | unit | direction | definition | breakdown |",
                  "|---|---|---|---|---|---|"]
        for kpi in (k for k in KPIS.values() if k.domain == domain):
            extra = kpi.breakdown or ""
            if kpi.separately:
                extra += ("; " if extra else "") + f"reported separately: {kpi.separately}"
            definition = kpi.definition + (f" *({kpi.reference})*" if kpi.reference else "")
            lines.append(f"| `{kpi.id}` | {kpi.title} | {kpi.unit.value} | {_DIRECTION[kpi.direction.value]} "
                         f"| {definition} | {extra} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT}", file=sys.stderr)
