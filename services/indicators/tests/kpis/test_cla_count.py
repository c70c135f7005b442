"""Children looked after (cla_count), fed events through ``facts`` (../conftest.py)."""

import pytest

pytestmark = pytest.mark.integration


async def test_cla_count_is_children_looked_after_on_the_date_except_short_breaks(facts):
    await facts.care_period("a", "2024-01-01")
    await facts.care_period("b", "2025-03-31")              # entered on D: looked after on D
    await facts.care_period("c", "2024-01-01", "2025-03-31")  # left on D: not looked after on D
    await facts.care_period("d", "2024-01-01", legal_status="V3")
    await facts.care_period("e", "2025-04-01")              # after D
    kpi = await facts.kpi("cla_count")
    assert (kpi.value, kpi.numerator) == (2, 2)


async def test_duplicate_and_out_of_order_events_do_not_change_the_kpi(facts):
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")
    await facts.care_period("late", "2024-01-01", version=1, period_id="cp-late")  # older state, arriving late
    await facts.care_period("late", "2024-01-01", end="2024-06-01", version=2, period_id="cp-late")  # duplicate
    assert (await facts.kpi("cla_count")).value == 0


async def test_a_legal_status_change_to_or_from_short_breaks_moves_a_child_out_of_or_into_looked_after(facts):
    a = await facts.care_period("a", "2024-01-01")
    await facts.legal_status("a", a, "2025-01-01", "V3")           # short breaks on D: not looked after
    b = await facts.care_period("b", "2024-01-01", legal_status="V3")
    await facts.legal_status("b", b, "2025-02-01", "C2")           # a care order on D: looked after
    c = await facts.care_period("c", "2024-01-01")
    await facts.legal_status("c", c, "2025-04-10", "V4")           # after D: still looked after on D
    kpi = await facts.kpi("cla_count")
    assert (kpi.value, set(await facts.children("cla_count"))) == (2, {"b", "c"})
