"""Children who ceased to be looked after in 12 months (cla_ceased_12m), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_ceased_in_the_window_count_each_child_once_by_reason(ceased_in_the_window):
    kpi = await ceased_in_the_window.kpi("cla_ceased_12m")
    assert kpi.value == 4
    assert {g: f.numerator for g, f in kpi.breakdown.items()} == {
        "adopted": 1, "living with relatives": 1, "returned home": 1, "special guardianship": 1}
