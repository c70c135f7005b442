"""What the Virtual School can tell the education service, and what each command does: check the rules
against the child's file (records.py), change its records and note each change and its event
(backbone.writes). No I/O: HTTP (api.py) and bulk (backbone.bulk) load the file and store the changes."""

import uuid
from datetime import date

import care_register
from backbone.bulk import Command
from backbone.clock import not_in_future
from backbone.corrections import Change, check_current, next_version, withdraw, withdraw_record, withdrawn_flag
from backbone.errors import InputError
from backbone.requests import StrictBody
from backbone.writes import Changes

from education_service.records import ChildFile, InitialPep, Notification

VIRTUAL_SCHOOL_NOTIFIED = "uk.cla.education.virtual-school-notified.v1"
INITIAL_PEP_COMPLETED = "uk.cla.education.initial-pep-completed.v1"
Result = tuple[int, dict]


class Notified(StrictBody):
    notified_date: date


class PepCompleted(StrictBody):
    completed_date: date


class NotificationCorrection(Change):
    """The corrected notification date, against the version last read."""
    notified_date: date


class PepCorrection(Change):
    """The corrected completion date, against the version last read."""
    completed_date: date


def _save_notification(changes: Changes, notification: Notification) -> dict:
    changes.save(notification)
    changes.publish(VIRTUAL_SCHOOL_NOTIFIED, notification.child_id, {
        "notification_id": notification.notification_id,
        "child_id": notification.child_id,
        "notified_date": notification.notified_date.isoformat(),
        "effective_date": notification.notified_date.isoformat(),
        "record_version": notification.record_version,
        **withdrawn_flag(notification),
    })
    return notification.as_json()


def _save_pep(changes: Changes, pep: InitialPep) -> dict:
    changes.save(pep)
    changes.publish(INITIAL_PEP_COMPLETED, pep.child_id, {
        "pep_id": pep.pep_id,
        "notification_id": pep.notification_id,
        "child_id": pep.child_id,
        "completed_date": pep.completed_date.isoformat(),
        "effective_date": pep.completed_date.isoformat(),
        "record_version": pep.record_version,
        **withdrawn_flag(pep),
    })
    return pep.as_json()


def _notified_period(file: ChildFile, notified_date: date, other_than: str | None = None) -> str:
    """The period of care a notification on this date is about; refused when it already has one."""
    not_in_future("notified_date", notified_date)
    period = care_register.period_started_by(file.periods, notified_date, "notified_date")
    if already := file.notification_for(period.care_period_id, other_than):
        raise InputError("notified_date", f"the Virtual School was already notified of this period of care ({already.notified_date})")
    return period.care_period_id


def _answered_notification(file: ChildFile, completed_date: date, other_than: str | None = None) -> str:
    """The notification a PEP completed on this date answers (the latest before it); refused when answered."""
    not_in_future("completed_date", completed_date)
    care_register.known_child(file.periods)
    notification = file.latest_notification_by(completed_date)
    if notification is None:
        raise InputError("completed_date", "no Virtual School notification on or before this date: record the notification first")
    if file.pep_for(notification.notification_id, other_than):
        raise InputError("completed_date", "an initial PEP is already recorded for the latest notification")
    return notification.notification_id


def record_notification(file: ChildFile, changes: Changes, body: Notified) -> Result:
    """The Virtual School was notified that the child became looked after (one notification per period)."""
    period_id = _notified_period(file, body.notified_date)
    notification = Notification(str(uuid.uuid4()), file.child_id, period_id, body.notified_date)
    file.notifications.append(notification)
    return 201, _save_notification(changes, notification)


def record_initial_pep(file: ChildFile, changes: Changes, body: PepCompleted) -> Result:
    """The child's initial PEP was completed (answers the latest notification before it)."""
    notification_id = _answered_notification(file, body.completed_date)
    pep = InitialPep(str(uuid.uuid4()), notification_id, file.child_id, body.completed_date)
    file.peps.append(pep)
    return 201, _save_pep(changes, pep)


def correct_notification(file: ChildFile, changes: Changes, notification_id: str, body: NotificationCorrection) -> Result:
    """Correct the notification date, against the version last read; its PEP must still come after it."""
    notification = file.notification(notification_id)
    check_current(notification, body.record_version, "notification_id")
    period_id = _notified_period(file, body.notified_date, other_than=notification_id)
    pep = file.pep_for(notification_id)
    if pep and pep.completed_date < body.notified_date:
        raise InputError("notified_date", f"initial PEP {pep.pep_id} answering it was completed earlier ({pep.completed_date})")
    notification.care_period_id, notification.notified_date = period_id, body.notified_date
    next_version(notification)
    return 200, _save_notification(changes, notification)


def withdraw_notification(file: ChildFile, changes: Changes, notification_id: str, body: Change) -> Result:
    """Withdraw a notification recorded in error (withdraw the PEP answering it first)."""
    notification = file.notification(notification_id)
    check_current(notification, body.record_version, "notification_id")
    if pep := file.pep_for(notification_id):
        raise InputError("notification_id", f"initial PEP {pep.pep_id} answers this notification: withdraw it first", "path")
    withdraw(notification)
    return 200, _save_notification(changes, notification)


def correct_initial_pep(file: ChildFile, changes: Changes, pep_id: str, body: PepCorrection) -> Result:
    """Correct the completion date (it then answers the latest notification before it), against the version last read."""
    pep = file.pep(pep_id)
    check_current(pep, body.record_version, "pep_id")
    pep.notification_id = _answered_notification(file, body.completed_date, other_than=pep_id)
    pep.completed_date = body.completed_date
    next_version(pep)
    return 200, _save_pep(changes, pep)


def withdraw_initial_pep(file: ChildFile, changes: Changes, pep_id: str, body: Change) -> Result:
    """Withdraw an initial PEP recorded in error: it leaves every KPI."""
    return withdraw_record(file.pep(pep_id), body.record_version, "pep_id",
                           lambda pep: _save_pep(changes, pep))


COMMANDS = {
    "virtual-school-notified": Command(record_notification, None, Notified, "virtual_school_notification"),
    "correct-virtual-school-notification": Command(correct_notification, "notification_id", NotificationCorrection,
                                                   "virtual_school_notification"),
    "withdraw-virtual-school-notification": Command(withdraw_notification, "notification_id", Change,
                                                    "virtual_school_notification"),
    "initial-pep": Command(record_initial_pep, None, PepCompleted, "initial_pep"),
    "correct-initial-pep": Command(correct_initial_pep, "pep_id", PepCorrection, "initial_pep"),
    "withdraw-initial-pep": Command(withdraw_initial_pep, "pep_id", Change, "initial_pep"),
}
