"""Missing and away episodes in 12 months (missing_episodes_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_missing_episodes_count_missing_and_away_separately(missing_and_away):
    episodes = await missing_and_away.kpi("missing_episodes_12m")
    # Started in the window while looked after: a's two missing and b's away; c's began before the window.
    # The figure is the missing ones; the breakdown counts each kind.
    assert episodes.value == 2
    assert {g: f.value for g, f in episodes.breakdown.items()} == {"away": 1, "missing": 2}
