"""The placements service's records as the commands see them (rows of its tables, models.py), and the
child's file: every record of one child, loaded in one go for the rules to read."""

import dataclasses
from datetime import date

import asyncpg

from backbone.writes import Row, children_rows


@dataclasses.dataclass(slots=True)
class Child(Row):
    TABLE = "children"
    KEY = ("child_id",)
    child_id: str
    date_of_birth: date
    record_version: int = 1


@dataclasses.dataclass(slots=True)
class CarePeriod(Row):
    """A period of care: from becoming looked after to ceasing to be (SSDA903 episodes joined up)."""

    TABLE = "care_periods"
    KEY = ("care_period_id",)
    care_period_id: str
    child_id: str
    start_date: date
    end_date: date | None
    legal_status: str
    reason_ceased: str | None = None
    record_version: int = 1
    withdrawn: bool = False  # entered in error: kept (its id and versions stay taken), out of every rule and read


@dataclasses.dataclass(slots=True)
class Placement(Row):
    """A continuous period with the same carer(s)."""

    TABLE = "placements"
    KEY = ("placement_id",)
    placement_id: str
    care_period_id: str
    child_id: str
    start_date: date
    end_date: date | None
    placement_type: str
    provider: str | None = None
    carer_id: str | None = None
    record_version: int = 1
    withdrawn: bool = False
    home_postcode: str | None = None  # personal data: kept here, never published
    placement_postcode: str | None = None
    distance_miles: float | None = None  # from the postcodes (geography.py); None when either is unknown
    outside_boundary: bool | None = None


@dataclasses.dataclass(slots=True)
class MissingEpisode(Row):
    """Missing (M) or away from placement without authorisation (A): SSDA903's missing table."""

    TABLE = "missing_episodes"
    KEY = ("episode_id",)
    episode_id: str
    child_id: str
    kind: str
    start_date: date
    end_date: date | None = None
    rhi_offered_date: date | None = None  # return home interview offered
    rhi_held_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class SocialWorkerAllocation(Row):
    """The social worker allocated to the child, from a date (SSDA903 social worker episodes)."""

    TABLE = "social_worker_allocations"
    KEY = ("allocation_id",)
    allocation_id: str
    child_id: str
    worker_id: str  # opaque, never a name
    start_date: date
    end_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


STORE_ORDER = (Child, CarePeriod, Placement, MissingEpisode, SocialWorkerAllocation)  # parents before the rows that refer to them


@dataclasses.dataclass(slots=True)
class ChildFile:
    """One child's records, withdrawn ones included (the rules leave them out; their ids stay taken)."""

    child_id: str
    child: Child | None = None
    periods: list[CarePeriod] = dataclasses.field(default_factory=list)
    placements: list[Placement] = dataclasses.field(default_factory=list)
    missing: list[MissingEpisode] = dataclasses.field(default_factory=list)
    social_workers: list[SocialWorkerAllocation] = dataclasses.field(default_factory=list)

    def current_periods(self) -> list[CarePeriod]:
        return [p for p in self.periods if not p.withdrawn]

    def current_placements(self, care_period_id: str | None = None) -> list[Placement]:
        return [p for p in self.placements if not p.withdrawn and care_period_id in (None, p.care_period_id)]

    def period(self, care_period_id: str) -> CarePeriod | None:
        return next((p for p in self.periods if p.care_period_id == care_period_id), None)

    def placement(self, placement_id: str) -> Placement | None:
        return next((p for p in self.placements if p.placement_id == placement_id), None)

    def missing_episode(self, episode_id: str) -> MissingEpisode | None:
        return next((e for e in self.missing if e.episode_id == episode_id), None)

    def current_missing(self, other_than: str | None = None) -> list[MissingEpisode]:
        return [e for e in self.missing if not e.withdrawn and e.episode_id != other_than]

    def social_worker_allocation(self, allocation_id: str) -> SocialWorkerAllocation | None:
        return next((a for a in self.social_workers if a.allocation_id == allocation_id), None)

    def current_social_workers(self, other_than: str | None = None) -> list[SocialWorkerAllocation]:
        return [a for a in self.social_workers if not a.withdrawn and a.allocation_id != other_than]


async def load(connection: asyncpg.Connection, child_ids: list[str]) -> dict[str, ChildFile]:
    """The files of these children (an empty file for a child not recorded yet): one round trip, however many."""
    files = {child_id: ChildFile(child_id) for child_id in child_ids}
    found = await children_rows(connection, STORE_ORDER, child_ids)
    for child in found[Child]:
        files[child.child_id].child = child
    for period in found[CarePeriod]:
        files[period.child_id].periods.append(period)
    for placement in found[Placement]:
        files[placement.child_id].placements.append(placement)
    for episode in found[MissingEpisode]:
        files[episode.child_id].missing.append(episode)
    for allocation in found[SocialWorkerAllocation]:
        files[allocation.child_id].social_workers.append(allocation)
    return files
