"""The leaving-care commands on a young person's file in memory (no database)."""

import functools
from datetime import date

import pytest

from backbone.errors import Conflict, InputError, NotKnownYet
from backbone.record_kinds import bulk_commands, run
from backbone.writes import Changes
from care_register import KnownPeriod
from leaving_care_service.records import OPERATIONS, RECORDS

PERIOD = KnownPeriod("cp1", "Y1", date(2007, 5, 1), date(2020, 1, 1), date(2024, 6, 1), 2)
command = functools.partial(run, bulk_commands(OPERATIONS))


def test_a_young_person_not_learnt_of_yet_is_a_retry():
    with pytest.raises(NotKnownYet):
        command("record-leaving-care-status", RECORDS.file_of("Y9"), Changes(), status="relevant",
                effective_date=date(2024, 6, 1))


def test_a_status_dated_before_birth_is_refused():
    with pytest.raises(InputError, match="before the young person's date of birth"):
        command("leaving-care-status", RECORDS.file_of("Y1", PERIOD), Changes(), status="relevant",
                effective_date=date(2007, 1, 1))


def test_the_same_status_from_the_same_day_sent_again_is_the_same_record():
    child = RECORDS.file_of("Y1", PERIOD)
    _, first = command("record-leaving-care-status", child, Changes(), status="relevant", effective_date=date(2024, 6, 1))
    with pytest.raises(Conflict, match=first["status_id"]):
        command("record-leaving-care-status", child, Changes(), status="relevant", effective_date=date(2024, 6, 1))
    status, _ = command("record-leaving-care-status", child, Changes(), status="former_relevant",
                        effective_date=date(2024, 6, 1))
    assert status == 201


def test_an_allocation_ends_once_corrections_need_the_current_version_and_withdrawal_publishes_it():
    child = RECORDS.file_of("Y1", PERIOD)
    _, allocation = command("allocate-adviser", child, Changes(), role="personal_adviser", start_date=date(2024, 6, 1))
    ended = command("end-adviser-allocation", child, Changes(), allocation["allocation_id"], end_date=date(2024, 9, 1))[1]
    assert ended["record_version"] == 2
    with pytest.raises(InputError, match="already ended"):
        command("end-adviser-allocation", child, Changes(), allocation["allocation_id"], end_date=date(2024, 10, 1))
    with pytest.raises(Conflict):
        command("correct-adviser-allocation", child, Changes(), allocation["allocation_id"], record_version=1, end_date=None)
    reopened = command("correct-adviser-allocation", child, Changes(), allocation["allocation_id"], record_version=2,
                       end_date=None)[1]
    assert (reopened["end_date"], reopened["record_version"]) == (None, 3)
    changes = Changes()
    command("withdraw-adviser-allocation", child, changes, allocation["allocation_id"], record_version=3)
    assert '"withdrawn": true' in changes.appended[0].data
