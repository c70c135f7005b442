"""The leaving-care commands on a young person's file in memory (no database)."""

from datetime import date

import pytest

from backbone.corrections import Change
from backbone.errors import Conflict, InputError, NotKnownYet
from backbone.writes import Changes
from care_register import KnownPeriod
from leaving_care_service import commands
from leaving_care_service.commands import Allocated, AllocationCorrection, AllocationEnded, StatusRecorded
from leaving_care_service.records import ChildFile

PERIOD = KnownPeriod("cp1", "Y1", date(2007, 5, 1), date(2020, 1, 1), date(2024, 6, 1), 2)


def test_a_young_person_not_learnt_of_yet_is_a_retry():
    with pytest.raises(NotKnownYet):
        commands.record_status(ChildFile("Y9"), Changes(), StatusRecorded(status="relevant", effective_date=date(2024, 6, 1)))


def test_a_status_dated_before_birth_is_refused():
    with pytest.raises(InputError, match="before the young person's date of birth"):
        commands.record_status(ChildFile("Y1", [PERIOD]), Changes(), StatusRecorded(status="relevant", effective_date=date(2007, 1, 1)))


def test_an_allocation_ends_once_corrections_need_the_current_version_and_withdrawal_publishes_it():
    child = ChildFile("Y1", [PERIOD])
    _, allocation = commands.allocate_adviser(child, Changes(), Allocated(role="personal_adviser", start_date=date(2024, 6, 1)))
    ended = commands.end_allocation(child, Changes(), allocation["allocation_id"], AllocationEnded(end_date=date(2024, 9, 1)))[1]
    assert ended["record_version"] == 2
    with pytest.raises(InputError, match="already ended"):
        commands.end_allocation(child, Changes(), allocation["allocation_id"], AllocationEnded(end_date=date(2024, 10, 1)))
    with pytest.raises(Conflict):
        commands.correct_allocation(child, Changes(), allocation["allocation_id"], AllocationCorrection(record_version=1, end_date=None))
    reopened = commands.correct_allocation(child, Changes(), allocation["allocation_id"],
                                           AllocationCorrection(record_version=2, end_date=None))[1]
    assert (reopened["end_date"], reopened["record_version"]) == (None, 3)
    changes = Changes()
    commands.withdraw_allocation(child, changes, allocation["allocation_id"], Change(record_version=3))
    assert '"withdrawn": true' in changes.appended[0].data
