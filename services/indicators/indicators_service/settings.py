from pathlib import Path

from backbone.settings import ServiceSettings

from indicators_service.targets import DEFAULT_TARGETS

DEFAULT_TERM_DATES = Path(__file__).parent / "term_dates.toml"


class Settings(ServiceSettings):
    service_name: str = "indicators"
    # School days for PEP timeliness follow the council's own term dates.
    term_dates_file: Path = DEFAULT_TERM_DATES
    # Children aged 0-17 in the council's area (ONS mid-year estimate), for cla_rate_per_10k.
    population_0_17: int = 100_000
    # pa_allocated counts eligible children from this age (17 years 4 months by default).
    pa_eligible_min_age_months: int = 17 * 12 + 4
    initial_pep_school_days: int = 10
    # How often the Prometheus gauges are recomputed when no event arrives (the date moves on).
    metrics_refresh_seconds: float = 60.0
    # The council's target per KPI (targets.toml shows the format; the shipped values are defaults).
    targets_file: Path = DEFAULT_TARGETS
