"""Children who went missing in 12 months (missing_children_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_missing_children_count_missing_and_away_separately(missing_and_away):
    facts = missing_and_away
    kpi = await facts.kpi("missing_children_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (40.0, 2, 5)  # a, c of a-e
    assert {g: f.numerator for g, f in kpi.breakdown.items()} == {"away only": 1, "missing": 2, "neither": 2}
    assert (await facts.children("missing_children_12m"))["a"][2] == "2 missing, 0 away in the 12 months"
