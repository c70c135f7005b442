"""staying_put: former relevant 18-20-year-olds with a staying-put arrangement open on D, of those fostered
the day before their 18th birthday; the count of all of them is the staying_put tally."""

import pytest

pytestmark = pytest.mark.integration


async def test_staying_put_of_those_fostered_the_day_before_their_18th_birthday(facts):
    async def turned_18_in_care(child, placement_type):
        # Born 1 May 2006: 18 on 1 May 2024, the day care ended; the placement ran to that day, so it held on
        # 30 Apr 2024, the day before the 18th birthday.
        period = await facts.care_period(child, "2020-05-01", "2024-05-01", born="2006-05-01")
        await facts.placement(child, "2022-01-01", "2024-05-01", placement_type=placement_type, period=period)

    await turned_18_in_care("staying", "U4")
    await facts.staying_put("staying", "2024-05-01")
    await turned_18_in_care("moved-on", "U4")
    await turned_18_in_care("ended", "U5")
    await facts.staying_put("ended", "2024-05-01", "2025-01-01")  # ended before D
    await turned_18_in_care("residential", "K1")  # not fostered, not staying put: in neither
    await turned_18_in_care("staying-not-fostered-on-record", "R1")
    await facts.staying_put("staying-not-fostered-on-record", "2024-05-01")
    # Fostered the day before 18: staying, moved-on, ended; staying put on D among them: 1 of 3 = 33.3%.
    # Staying put in all: 2 (one with no foster placement on record that day, reported separately).
    kpi = await facts.kpi("staying_put")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 3, 33.3)
    assert (kpi.tallies, kpi.reported_separately) == ({"staying_put": 2}, 1)
    rows = await facts.children("staying_put")
    assert "residential" not in rows
    assert rows["staying"] == (True, True, "former relevant, 18; fostered the day before their 18th birthday; "
                                           "staying put since 2024-05-01")
    assert rows["ended"][:2] == (True, False)
