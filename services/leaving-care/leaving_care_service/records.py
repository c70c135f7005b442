"""The leaving-care service's records as the commands see them (rows of models.py's tables), and the
young person's file."""

import dataclasses
from datetime import date

import asyncpg

import care_register
from backbone.writes import Row, rows, select_all


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


_STATUSES = f"{select_all(CareLeaverStatus)} WHERE child_id = ANY($1::text[])"
_ALLOCATIONS = f"{select_all(AdviserAllocation)} WHERE child_id = ANY($1::text[])"


async def load(connection: asyncpg.Connection, child_ids: list[str]) -> dict[str, ChildFile]:
    periods = await care_register.load_known_periods(connection, child_ids)
    files = {child_id: ChildFile(child_id, periods[child_id]) for child_id in child_ids}
    for status in rows(CareLeaverStatus, await connection.fetch(_STATUSES, child_ids)):
        files[status.child_id].statuses.append(status)
    for allocation in rows(AdviserAllocation, await connection.fetch(_ALLOCATIONS, child_ids)):
        files[allocation.child_id].allocations.append(allocation)
    return files
