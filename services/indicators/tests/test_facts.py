"""The KPI tests' event builder (conftest.Facts) refuses what no producer could publish, before anything is
stored: a KPI test cannot pass on an event the contracts forbid."""

import pytest

from event_contracts import UnknownEventType

pytestmark = pytest.mark.integration


async def test_an_event_outside_its_contract_is_refused_with_the_field_and_the_reason(facts):
    with pytest.raises(AssertionError, match="placement_type"):
        await facts.placement("a", "2024-01-01", placement_type="X9")  # not a 903 placement type
    with pytest.raises(AssertionError, match="distance_mile"):
        await facts.placement("a", "2024-01-01", distance_mile=3.0)  # a misspelt property
    with pytest.raises(AssertionError, match="'record_version' is a required property"):
        await facts.event("placements.review-held", {"review_id": "r1", "child_id": "a", "review_date": "2024-01-01",
                                                     "participation": None, "effective_date": "2024-01-01"})
    with pytest.raises(UnknownEventType, match="no schema"):
        await facts.event("placements.review-held", {"child_id": "a"}, version=9)
    assert await facts.rows("reviews_on_time") == [] and await facts.children("placement_type_mix") == {}
