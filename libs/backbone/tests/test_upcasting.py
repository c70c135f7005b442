"""Upcasting: an event published under an older version is read as the newest one, checked against it.

No event type has a second version yet, so these cases stand a real schema in for "the next version": a
placement-started record becomes a placement-ended one (their schemas differ only in what they require)."""

import pytest

from backbone.events import InvalidEvent, upcast

STARTED = "uk.cla.placements.placement-started.v1"
ENDED = "uk.cla.placements.placement-ended.v1"
RECORD = {"placement_id": "pl-1", "care_period_id": "cp-1", "child_id": "c-1", "start_date": "2025-01-02",
          "end_date": None, "placement_type": "U4", "provider": "PR1", "carer_id": "k-1",
          "effective_date": "2025-01-02", "record_version": 1}


def test_a_type_without_a_newer_version_is_read_as_it_is():
    assert upcast(STARTED, RECORD) == (STARTED, RECORD)


def test_an_older_version_is_read_as_the_newer_one_through_its_upcaster():
    ended = {STARTED: (ENDED, lambda data: {**data, "end_date": "2025-03-01", "effective_date": "2025-03-01"})}
    event_type, data = upcast(STARTED, RECORD, ended)
    assert event_type == ENDED and data["end_date"] == "2025-03-01" and data["placement_id"] == "pl-1"


def test_an_upcast_that_breaks_the_newer_contract_is_an_invalid_event_to_park():
    broken = {STARTED: (ENDED, lambda data: {k: v for k, v in data.items() if k != "child_id"})}
    with pytest.raises(InvalidEvent, match="upcast to .*required"):
        upcast(STARTED, RECORD, broken)
