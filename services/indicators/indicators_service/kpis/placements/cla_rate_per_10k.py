from dataclasses import replace

from indicators_service.kpis.definition import Unit
from indicators_service.kpis.placements.cla_count import KPI as CLA_COUNT

# The same children as cla_count, over the council's population aged 0-17.
KPI = replace(
    CLA_COUNT,
    id="cla_rate_per_10k",
    title="Children looked after per 10,000 children",
    position=2,
    unit=Unit.RATE_PER_10K,
    definition="Children looked after on D ÷ the configured population aged 0-17 (ONS mid-year estimate) × 10,000.",
    settings=("population_0_17",),
    denominator_setting="population_0_17",
)
