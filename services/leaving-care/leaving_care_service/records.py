"""The leaving-care service's records as the commands see them (rows of its tables, as migrations/versions
makes them), and the young person's file."""

import dataclasses
from datetime import date

import asyncpg

import care_register
from backbone.writes import Row, children_rows


@dataclasses.dataclass(slots=True)
class CareLeaverStatus(Row):
    """A young person's leaving-care category from a date."""

    TABLE = "care_leaver_statuses"
    KEY = ("status_id",)
    status_id: str
    child_id: str
    status: str
    effective_date: date
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class AdviserAllocation(Row):
    TABLE = "adviser_allocations"
    KEY = ("allocation_id",)
    allocation_id: str
    child_id: str
    role: str
    start_date: date
    end_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


STORE_ORDER = (CareLeaverStatus, AdviserAllocation)


@dataclasses.dataclass(slots=True)
class ChildFile:
    child_id: str
    periods: list[care_register.KnownPeriod] = dataclasses.field(default_factory=list)
    statuses: list[CareLeaverStatus] = dataclasses.field(default_factory=list)
    allocations: list[AdviserAllocation] = dataclasses.field(default_factory=list)

    def status(self, status_id: str) -> CareLeaverStatus | None:
        return next((s for s in self.statuses if s.status_id == status_id), None)

    def allocation(self, allocation_id: str) -> AdviserAllocation | None:
        return next((a for a in self.allocations if a.allocation_id == allocation_id), None)


async def load(connection: asyncpg.Connection, child_ids: list[str]) -> dict[str, ChildFile]:
    found = await children_rows(connection, (care_register.KnownPeriod, *STORE_ORDER), child_ids)
    periods = care_register.by_child(found[care_register.KnownPeriod], child_ids)
    files = {child_id: ChildFile(child_id, periods[child_id]) for child_id in child_ids}
    for row in found[CareLeaverStatus]:
        files[row.child_id].statuses.append(row)
    for row in found[AdviserAllocation]:
        files[row.child_id].allocations.append(row)
    return files
