"""Children who went missing in 12 months (missing_children_12m), fed events through ``facts`` (../conftest.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration


async def test_missing_children_count_missing_and_away_separately(missing_and_away):
    facts = missing_and_away
    kpi = await facts.kpi("missing_children_12m")
    assert (kpi.value, kpi.numerator, kpi.denominator) == (40.0, 2, 5)  # a, c of a-e
    assert {g: f.numerator for g, f in kpi.breakdown.items()} == {"away only": 1, "missing": 2, "neither": 2}
    assert (await facts.children("missing_children_12m"))["a"][2] == "2 missing, 0 away in the 12 months"


async def test_missing_children_a_period_that_ended_on_the_windows_first_day_is_outside_it(facts):
    # As of 2023-03-31 the window starts 2022-04-01. a left care on 2022-04-01 (looked after on d: start <= d <
    # end), so was not looked after in the window: out. b left on 2022-04-02 (looked after on 2022-04-01): in,
    # no episode. c is looked after and went missing in the window. Missing: c; 1 of 2 = 50.0%.
    await facts.care_period("a", "2021-01-01", "2022-04-01")
    await facts.care_period("b", "2021-01-01", "2022-04-02")
    await facts.care_period("c", "2021-01-01")
    await facts.missing("c", "2022-08-01", "2022-08-02")
    kpi = await facts.kpi("missing_children_12m", as_of=date(2023, 3, 31))
    assert (kpi.value, kpi.numerator, kpi.denominator) == (50.0, 1, 2)
    assert "a" not in await facts.children("missing_children_12m", as_of=date(2023, 3, 31))
