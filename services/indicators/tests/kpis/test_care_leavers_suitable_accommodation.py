"""care_leavers_suitable_accommodation: in touch and the latest accommodation on or before D suitable (903
ACCOM second character 1); not in touch stays in the denominator, never in the numerator."""

import pytest

pytestmark = pytest.mark.integration


async def test_suitable_accommodation_needs_contact_and_a_suitable_latest_record(facts):
    async def former_relevant(child, in_touch="YES"):
        # Born 1 Mar 2006 (19 on D), looked after from the 14th to the 18th birthday.
        await facts.care_period(child, "2020-03-01", "2024-03-01", born="2006-03-01")
        if in_touch:
            await facts.contact(child, "2025-03-01", in_touch)

    await former_relevant("suitable")
    await facts.accommodation("suitable", "2024-09-12", "U1")
    await former_relevant("unsuitable-b2")
    await facts.accommodation("unsuitable-b2", "2024-03-01", "U1")
    await facts.accommodation("unsuitable-b2", "2024-09-12", "B2")  # the latest: with parents, not suitable
    await former_relevant("not-in-touch", "NO")
    await facts.accommodation("not-in-touch", "2024-09-12", "U1")  # suitable, but not in touch: never counted
    await former_relevant("no-record")
    await former_relevant("moves-after-d")
    await facts.accommodation("moves-after-d", "2024-05-01", "T1")
    await facts.accommodation("moves-after-d", "2025-04-10", "S2")  # after D: not yet its accommodation
    # 5 care leavers; suitable and in touch: "suitable" and "moves-after-d": 2 of 5 = 40%.
    kpi = await facts.kpi("care_leavers_suitable_accommodation")
    assert (kpi.numerator, kpi.denominator, kpi.value) == (2, 5, 40.0)
    rows = await facts.children("care_leavers_suitable_accommodation")
    assert rows["unsuitable-b2"] == (
        True, False, "former relevant, 19; in touch (contact 2025-03-01); latest accommodation 2024-09-12 unsuitable (B2)")
    assert rows["not-in-touch"] == (
        True, False, "former relevant, 19; not in touch (contact 2025-03-01); latest accommodation 2024-09-12 suitable (U1)")
    assert rows["no-record"] == (True, False, "former relevant, 19; in touch (contact 2025-03-01); no accommodation recorded")
