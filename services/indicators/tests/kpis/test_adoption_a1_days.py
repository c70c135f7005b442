"""Adoption: days from entering care to moving in with the adoptive family (A1) (adoption_a1_days), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_adoption_a1_counts_to_the_adoptive_placement_or_the_foster_carer_who_adopted(adopted):
    facts = adopted
    # A1: a 365 days (1 Jan 2021 to 1 Jan 2022), f 59 days (1 Jan to 1 Mar 2021): mean 212.0, both within 426.
    a1 = await facts.kpi("adoption_a1_days")
    assert (a1.value, a1.numerator, a1.denominator, a1.reported_separately) == (212.0, 2, 2, 1)
    assert (await facts.children("adoption_a1_days"))["f"][2] == \
        "entered care 2021-01-01, moved in with their foster carer, who adopted them, 2021-03-01: 59 days"
