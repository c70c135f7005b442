"""Children looked after per 10,000 children (cla_rate_per_10k), fed events through ``facts`` (../conftest.py)."""

import pytest

from indicators_service.settings import Settings

pytestmark = pytest.mark.integration


async def test_cla_rate_per_10k_uses_the_configured_population(facts):
    for n in range(7):
        await facts.care_period(f"r{n}", "2024-01-01")
    kpi = await facts.kpi("cla_rate_per_10k")
    assert kpi.value == round(7 / Settings.model_fields["population_0_17"].default * 10_000, 1)
