"""care_leavers_suitable_accommodation_annual: the 903 OC3 reading (the oc3_year scenario, conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_the_annual_reading_takes_the_accommodation_on_the_birthday_of_those_in_touch(oc3_year):
    facts = oc3_year
    # Of the 4 in the cohort, in touch and suitable on the birthday: turned-19 only (turned-17-relevant is in
    # B2, unsuitable; turned-20's U1 is not known, not in touch): 1 of 4, and 1 of 3 in the 19-21 band.
    kpi = await facts.kpi("care_leavers_suitable_accommodation_annual")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 4, 25.0)
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"17-18": (0, 1), "19-21": (1, 3)}
    assert (await facts.children("care_leavers_suitable_accommodation_annual"))["turned-17-relevant"] == (
        True, False, "turned 17 on 2024-06-01; in touch around the birthday; accommodation B2 unsuitable")
