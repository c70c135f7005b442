"""Children who started to be looked after in 12 months (cla_started_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_started_in_the_window_counts_each_child_once(started_in_the_window):
    facts = started_in_the_window
    started = await facts.kpi("cla_started_12m")
    assert started.value == 2  # "new" and "twice"
    assert (await facts.children("cla_started_12m"))["twice"][2] == "started to be looked after 2024-04-10"
