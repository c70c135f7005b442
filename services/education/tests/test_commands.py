"""The education commands on a child's file in memory (no database): notifications per period of care,
initial PEPs answering the latest notification, corrections and withdrawals in order."""

import functools
from datetime import date

import pytest

from backbone.errors import InputError
from backbone.record_kinds import bulk_commands, run
from backbone.writes import Changes
from care_register import KnownPeriod
from education_service.records import OPERATIONS, RECORDS

command = functools.partial(run, bulk_commands(OPERATIONS))
PERIOD = KnownPeriod("cp1", "C1", date(2014, 1, 1), date(2024, 2, 1), None, 1)


def notified_child():
    child = RECORDS.file_of("C1", PERIOD)
    _, notification = command("record-virtual-school-notification", child, Changes(), notified_date=date(2024, 2, 2))
    return child, notification


def test_a_pep_answers_the_latest_notification_before_it_and_only_once():
    child, notification = notified_child()
    _, pep = command("record-initial-pep", child, Changes(), completed_date=date(2024, 2, 12))
    assert pep["notification_id"] == notification["notification_id"]
    with pytest.raises(InputError, match="already recorded for the latest notification"):
        command("record-initial-pep", child, Changes(), completed_date=date(2024, 2, 14))


def test_a_pep_before_any_notification_is_refused():
    child, _ = notified_child()
    with pytest.raises(InputError, match="no Virtual School notification on or before"):
        command("record-initial-pep", child, Changes(), completed_date=date(2024, 2, 1))


def test_a_notification_cannot_be_moved_after_the_pep_that_answers_it():
    child, notification = notified_child()
    command("record-initial-pep", child, Changes(), completed_date=date(2024, 2, 12))
    with pytest.raises(InputError, match="completed earlier"):
        command("correct-virtual-school-notification", child, Changes(), notification["notification_id"],
                record_version=1, notified_date=date(2024, 2, 20))


def test_a_notification_is_withdrawn_after_its_pep():
    child, notification = notified_child()
    _, pep = command("record-initial-pep", child, Changes(), completed_date=date(2024, 2, 12))
    with pytest.raises(InputError, match="withdraw it first"):
        command("withdraw-virtual-school-notification", child, Changes(), notification["notification_id"], record_version=1)
    _, moved = command("correct-initial-pep", child, Changes(), pep["pep_id"], record_version=1,
                       completed_date=date(2024, 2, 13))
    command("withdraw-initial-pep", child, Changes(), pep["pep_id"], record_version=moved["record_version"])
    _, withdrawn = command("withdraw-virtual-school-notification", child, Changes(), notification["notification_id"],
                           record_version=1)
    assert withdrawn["withdrawn"] is True
