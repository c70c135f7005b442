"""care_leavers_in_touch_annual: the 903 OC3 reading (the oc3_year scenario, conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_the_annual_reading_counts_a_yes_contact_around_each_birthday_in_the_year(oc3_year):
    facts = oc3_year
    # Cohort on 31 March 2025: turned-19, turned-20-contact-too-early, turned-17-relevant, turned-21; in touch
    # around the birthday: turned-19 and turned-17-relevant, 2 of 4.
    kpi = await facts.kpi("care_leavers_in_touch_annual")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (2, 4, 50.0)
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"17-18": (1, 1), "19-21": (1, 3)}
    rows = await facts.children("care_leavers_in_touch_annual")
    assert rows["turned-20-contact-too-early"] == (
        True, False, "turned 20 on 2025-02-01; no YES contact from 3 months before to 1 month after the birthday: not known")
    # On 30 April 2025 the same year's reading has turned-21's contact of 15 April: 3 of 4.
    kpi = await facts.kpi("care_leavers_in_touch_annual", as_of=date(2025, 4, 30))
    assert (kpi.numerator, kpi.denominator) == (3, 4)
