"""Children adopted, of those who ceased to be looked after (adopted_pct_of_ceased), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_adopted_of_those_who_ceased_in_the_window(ceased_in_the_window):
    adopted = await ceased_in_the_window.kpi("adopted_pct_of_ceased")
    assert (adopted.numerator, adopted.denominator, adopted.value) == (1, 4, 25.0)
