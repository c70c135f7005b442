"""The Virtual School's records of a child, each a record kind (backbone.record_kinds): its row (the table's
columns, as migrations/versions makes them), its rules and its event. Routes, bulk names and request bodies
follow from these declarations."""

import dataclasses
from datetime import date

import care_register
from backbone.clock import not_in_future
from backbone.errors import InputError
from backbone.record_kinds import RecordKind, operations
from backbone.writes import File, Records, Row

VIRTUAL_SCHOOL_NOTIFIED = "uk.cla.education.virtual-school-notified.v1"
INITIAL_PEP_COMPLETED = "uk.cla.education.initial-pep-completed.v1"


@dataclasses.dataclass(slots=True)
class Notification(Row):
    """The Virtual School was told the child became looked after; the initial PEP is due from here."""

    TABLE = "virtual_school_notifications"
    KEY = ("notification_id",)
    notification_id: str
    child_id: str
    care_period_id: str  # the period it is about: worked out from notified_date, kept off the event
    notified_date: date
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class InitialPep(Row):
    TABLE = "initial_peps"
    KEY = ("pep_id",)
    pep_id: str
    notification_id: str  # the notification it answers: the latest on or before completed_date
    child_id: str
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False


# ---- Virtual School notifications: one per period of care ----

def _check_notification(file: File, fields: dict, other_than: str | None) -> None:
    """Not in the future, the only one of its period of care, and before the PEP answering it."""
    not_in_future("notified_date", fields["notified_date"])
    if already := NOTIFICATIONS.matching(file, fields, other_than, ("care_period_id",)):
        raise InputError("notified_date", "the Virtual School was already notified of this period of care "
                                          f"({already.notified_date})")
    pep = _pep_for(file, other_than) if other_than else None
    if pep and pep.completed_date < fields["notified_date"]:
        raise InputError("notified_date", f"initial PEP {pep.pep_id} answering it was completed earlier ({pep.completed_date})")


def _pep_for(file: File, notification_id: str, other_than: str | None = None) -> InitialPep | None:
    return next((p for p in INITIAL_PEPS.current(file, other_than) if p.notification_id == notification_id), None)


def _not_answered(file: File, notification: Notification) -> None:
    if pep := _pep_for(file, notification.notification_id):
        raise InputError("notification_id", f"initial PEP {pep.pep_id} answers this notification: withdraw it first", "path")


NOTIFICATIONS = RecordKind(
    name="virtual-school-notification", path="virtual-school-notifications", row=Notification,
    subject=care_register.CHILD, event_type=VIRTUAL_SCHOOL_NOTIFIED, check=_check_notification,
    effective=lambda n: n.notified_date, computed=("care_period_id",), derive=care_register.period_of("notified_date"),
    private=frozenset({"care_period_id"}), withdraw_guard=_not_answered, order_by="notified_date",
    aliases=("virtual-school-notified",),
    describe="The Virtual School was notified that the child became looked after (one notification per period "
             "of care). A notification answered by an initial PEP is withdrawn after the PEP.",
)


# ---- Initial PEPs: each answers the latest notification on or before it ----

def _notification_answered(file: File, fields: dict, other_than: str | None) -> dict:
    by_then = [n for n in NOTIFICATIONS.current(file) if n.notified_date <= fields["completed_date"]]
    notification = max(by_then, key=lambda n: n.notified_date, default=None)
    if notification is None:
        raise InputError("completed_date", "no Virtual School notification on or before this date: record the "
                                           "notification first")
    return {"notification_id": notification.notification_id}


def _check_pep(file: File, fields: dict, other_than: str | None) -> None:
    not_in_future("completed_date", fields["completed_date"])
    if _pep_for(file, fields["notification_id"], other_than):
        raise InputError("completed_date", "an initial PEP is already recorded for the latest notification")


INITIAL_PEPS = RecordKind(
    name="initial-pep", path="initial-peps", row=InitialPep, subject=care_register.CHILD,
    event_type=INITIAL_PEP_COMPLETED, check=_check_pep, effective=lambda p: p.completed_date,
    computed=("notification_id",), derive=_notification_answered, order_by="completed_date",
    aliases=("initial-pep",),
    describe="The child's initial Personal Education Plan was completed (answers the latest notification before it).",
)

KINDS = [NOTIFICATIONS, INITIAL_PEPS]
OPERATIONS = operations(KINDS)
RECORDS = Records((Notification, InitialPep), read_only=(care_register.KnownPeriod,))  # a PEP refers to its notification
