"""The health commands on a child's file in memory (no database): one IHA per period of care, corrections
that move it to another period, withdrawals."""

import functools
from datetime import date

import pytest

from backbone.errors import InputError, NotKnownYet
from backbone.record_kinds import bulk_commands, run
from backbone.writes import Changes
from care_register import KnownPeriod
from health_service.records import OPERATIONS, RECORDS

FIRST = KnownPeriod("cp1", "C1", date(2014, 1, 1), date(2023, 1, 10), date(2023, 6, 1), 2)
SECOND = KnownPeriod("cp2", "C1", date(2014, 1, 1), date(2024, 2, 1), None, 1)
command = functools.partial(run, bulk_commands(OPERATIONS))


def file():
    return RECORDS.file_of("C1", FIRST, SECOND)


def test_an_assessment_answers_the_latest_period_started_by_its_date_and_is_published_without_it():
    child, changes = file(), Changes()
    status, stored = command("record-initial-health-assessment", child, changes, completed_date=date(2024, 2, 20))
    assert (status, stored["care_period_id"]) == (201, "cp2")
    assert changes.events == 1 and "cp2" not in changes.appended[0].data


def test_a_second_assessment_for_a_period_is_refused_naming_the_first():
    child = file()
    command("record-initial-health-assessment", child, Changes(), completed_date=date(2024, 2, 20))
    with pytest.raises(InputError, match="already recorded .*2024-02-20"):
        command("initial-health-assessment", child, Changes(), completed_date=date(2024, 3, 1))


def test_a_child_not_learnt_of_yet_is_a_retry_not_a_refusal():
    with pytest.raises(NotKnownYet):
        command("record-initial-health-assessment", RECORDS.file_of("C9"), Changes(), completed_date=date(2024, 3, 1))


def test_a_corrected_date_can_move_the_assessment_to_the_period_it_really_answers():
    child = file()
    _, stored = command("record-initial-health-assessment", child, Changes(), completed_date=date(2024, 2, 20))
    _, corrected = command("correct-initial-health-assessment", child, Changes(), stored["assessment_id"],
                           record_version=1, completed_date=date(2023, 1, 30))
    assert (corrected["care_period_id"], corrected["record_version"]) == ("cp1", 2)


def test_after_a_withdrawal_the_period_can_have_its_assessment_recorded_again():
    child = file()
    _, stored = command("record-initial-health-assessment", child, Changes(), completed_date=date(2024, 2, 20))
    changes = Changes()
    command("withdraw-initial-health-assessment", child, changes, stored["assessment_id"], record_version=1)
    assert '"withdrawn": true' in changes.appended[0].data
    status, _ = command("record-initial-health-assessment", child, Changes(), completed_date=date(2024, 2, 22))
    assert status == 201
