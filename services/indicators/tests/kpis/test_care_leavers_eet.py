"""care_leavers_eet: in touch and the latest activity on or before D education, employment or training (903
ACTIV F1-F5, P1-P5); not in touch stays in the denominator, never in the numerator."""

import pytest

pytestmark = pytest.mark.integration


async def test_eet_counts_the_latest_activity_of_those_in_touch(facts):
    async def relevant(child, activity, in_touch="YES"):
        # Born 1 Jan 2008 (17 on D), looked after from the 14th birthday to 1 Jul 2024 (16 years 6 months).
        await facts.care_period(child, "2022-01-01", "2024-07-01", born="2008-01-01")
        await facts.contact(child, "2025-02-15", in_touch)
        await facts.activity(child, "2024-09-02", activity)

    await relevant("college", "F2")
    await relevant("part-time-university", "P1")
    await relevant("neet", "G5")
    await relevant("apprentice-not-in-touch", "F4", in_touch="NO")
    # In touch and in education, employment or training: college and part-time-university, 2 of 4 = 50%.
    kpi = await facts.kpi("care_leavers_eet")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (2, 4, 50.0)
    assert {band: (f.numerator, f.denominator) for band, f in kpi.breakdown.items()} == {"17-18": (2, 4)}
    rows = await facts.children("care_leavers_eet")
    assert rows["neet"] == (True, False, "relevant, 17; in touch (contact 2025-02-15); latest activity 2024-09-02 "
                                         "not in education, employment or training (G5)")
    assert rows["apprentice-not-in-touch"][:2] == (True, False)
