"""care_leavers_eet_annual: the 903 OC3 reading (the oc3_year scenario, conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_the_annual_reading_takes_the_activity_on_the_birthday_of_those_in_touch(oc3_year):
    facts = oc3_year
    # In touch and working on the birthday: turned-19 (F5); turned-17-relevant is G5: 1 of 4.
    kpi = await facts.kpi("care_leavers_eet_annual")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 4, 25.0)
    assert (await facts.children("care_leavers_eet_annual"))["turned-19"] == (
        True, True, "turned 19 on 2025-01-10; in touch around the birthday; activity F5 education, employment or training")
