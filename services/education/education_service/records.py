"""The education service's records as the commands see them (rows of its tables, as migrations/versions makes
them), and the child's file."""

import dataclasses
from datetime import date

import asyncpg

import care_register
from backbone.writes import Row, children_rows


@dataclasses.dataclass(slots=True)
class Notification(Row):
    """The Virtual School was told the child became looked after; the initial PEP is due from here."""

    TABLE = "virtual_school_notifications"
    KEY = ("notification_id",)
    notification_id: str
    child_id: str
    care_period_id: str
    notified_date: date
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class InitialPep(Row):
    TABLE = "initial_peps"
    KEY = ("pep_id",)
    pep_id: str
    notification_id: str
    child_id: str
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False


STORE_ORDER = (Notification, InitialPep)  # a PEP refers to its notification


@dataclasses.dataclass(slots=True)
class ChildFile:
    child_id: str
    periods: list[care_register.KnownPeriod] = dataclasses.field(default_factory=list)
    notifications: list[Notification] = dataclasses.field(default_factory=list)
    peps: list[InitialPep] = dataclasses.field(default_factory=list)

    def notification(self, notification_id: str) -> Notification | None:
        return next((n for n in self.notifications if n.notification_id == notification_id), None)

    def pep(self, pep_id: str) -> InitialPep | None:
        return next((p for p in self.peps if p.pep_id == pep_id), None)

    def notification_for(self, care_period_id: str, other_than: str | None = None) -> Notification | None:
        return next((n for n in self.notifications if n.care_period_id == care_period_id and not n.withdrawn
                     and n.notification_id != other_than), None)

    def latest_notification_by(self, day: date) -> Notification | None:
        """The latest notification on or before ``day`` (a PEP answers it)."""
        by_then = [n for n in self.notifications if not n.withdrawn and n.notified_date <= day]
        return max(by_then, key=lambda n: n.notified_date, default=None)

    def pep_for(self, notification_id: str, other_than: str | None = None) -> InitialPep | None:
        return next((p for p in self.peps if p.notification_id == notification_id and not p.withdrawn
                     and p.pep_id != other_than), None)


async def load(connection: asyncpg.Connection, child_ids: list[str]) -> dict[str, ChildFile]:
    found = await children_rows(connection, (care_register.KnownPeriod, *STORE_ORDER), child_ids)
    periods = care_register.by_child(found[care_register.KnownPeriod], child_ids)
    files = {child_id: ChildFile(child_id, periods[child_id]) for child_id in child_ids}
    for row in found[Notification]:
        files[row.child_id].notifications.append(row)
    for row in found[InitialPep]:
        files[row.child_id].peps.append(row)
    return files
