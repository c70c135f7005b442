"""Adoption: days from placement order to match (A2) (adoption_a2_days), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_adoption_a2_counts_to_the_match(adopted):
    # A2: a 153, f 0: mean 76.5; only f within 121 days; n has no order or match (reported separately).
    a2 = await adopted.kpi("adoption_a2_days")
    assert (a2.value, a2.numerator, a2.denominator, a2.reported_separately) == (76.5, 1, 2, 1)
