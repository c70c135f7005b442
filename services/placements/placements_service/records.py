"""The placements service's records as the commands see them (rows of its tables, as migrations/versions
makes them), and the child's file: every record of one child, loaded in one go for the rules to read."""

import dataclasses
from datetime import date, time

import asyncpg

from backbone.writes import Row, children_rows


@dataclasses.dataclass(slots=True)
class Child(Row):
    TABLE = "children"
    KEY = ("child_id",)
    child_id: str
    date_of_birth: date
    record_version: int = 1
    sex: str | None = None  # 903 SEX; this, ethnicity and UASC stay in this service (never published)
    ethnicity: str | None = None  # 903 ETHNIC
    uasc: bool = False  # an unaccompanied asylum-seeking child
    uasc_ceased_date: date | None = None  # 903 DUC


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
    category_of_need: str | None = None  # 903 CIN (N1-N8)


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
    reason_new_episode: str | None = None  # 903 RNE: S start of care, P/B new carer, T/U same carer
    reason_place_change: str | None = None  # 903 REASON_PLACE_CHANGE


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
    # The local times of day of the dates above, where known (the 903 has dates only).
    start_time: time | None = None
    end_time: time | None = None
    rhi_offered_time: time | None = None
    rhi_held_time: time | None = None


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


@dataclasses.dataclass(slots=True)
class LegalStatusChange(Row):
    """A change of legal status within a period of care (903 LS; RNE L): the period's own legal_status holds
    from its start until the first change."""

    TABLE = "legal_status_changes"
    KEY = ("change_id",)
    change_id: str
    child_id: str
    care_period_id: str
    start_date: date
    legal_status: str
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class Review(Row):
    """A looked-after review held (903 REVIEWS; Care Planning Regulations 2010 reg 33)."""

    TABLE = "reviews"
    KEY = ("review_id",)
    review_id: str
    child_id: str
    review_date: date
    participation: str | None = None  # 903 REVIEW_CODE PN0-PN7: how the child took part
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class Visit(Row):
    """A statutory visit by the child's social worker (Care Planning Regulations 2010 reg 28)."""

    TABLE = "visits"
    KEY = ("visit_id",)
    visit_id: str
    child_id: str
    visit_date: date
    seen_alone: bool | None = None
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class Conviction(Row):
    """A conviction or youth caution (903 OC2 CONVICTED): the outcome's date, never the offence."""

    TABLE = "convictions"
    KEY = ("conviction_id",)
    conviction_id: str
    child_id: str
    outcome_date: date
    outcome: str  # conviction | youth_caution
    record_version: int = 1
    withdrawn: bool = False


@dataclasses.dataclass(slots=True)
class Adoption(Row):
    """A child's adoption milestones in one period of care (903 placed for adoption and AD1 tables): each
    date is added as it happens, by a correction."""

    TABLE = "adoptions"
    KEY = ("adoption_id",)
    adoption_id: str
    child_id: str
    care_period_id: str
    decision_date: date | None = None  # the agency decision that the child should be placed for adoption
    placement_order_date: date | None = None
    match_date: date | None = None  # matched with the adopters
    placed_date: date | None = None  # placed for adoption (moved in)
    adoption_order_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


# Parents before the rows that refer to them.
STORE_ORDER = (Child, CarePeriod, Placement, MissingEpisode, SocialWorkerAllocation, LegalStatusChange, Review,
               Visit, Conviction, Adoption)


@dataclasses.dataclass(slots=True)
class ChildFile:
    """One child's records, withdrawn ones included (the rules leave them out; their ids stay taken). A write
    loads only the tables its command reads (backbone.writes.reads): asking for another is a bug, and fails."""

    child_id: str
    child: Child | None = None
    tables: dict[type[Row], list[Row]] = dataclasses.field(
        default_factory=lambda: {kind: [] for kind in STORE_ORDER if kind is not Child})

    def rows(self, kind: type[Row]) -> list[Row]:
        try:
            return self.tables[kind]
        except KeyError:
            raise LookupError(f"{kind.__name__} rows were not loaded: add the table to the command's reads") from None

    def add(self, row: Row) -> None:
        self.rows(type(row)).append(row)

    @property
    def periods(self) -> list[CarePeriod]:
        return self.rows(CarePeriod)

    @property
    def placements(self) -> list[Placement]:
        return self.rows(Placement)

    def current_periods(self) -> list[CarePeriod]:
        return [p for p in self.periods if not p.withdrawn]

    def current_placements(self, care_period_id: str | None = None) -> list[Placement]:
        return [p for p in self.placements if not p.withdrawn and care_period_id in (None, p.care_period_id)]

    def period(self, care_period_id: str) -> CarePeriod | None:
        return next((p for p in self.periods if p.care_period_id == care_period_id), None)

    def placement(self, placement_id: str) -> Placement | None:
        return next((p for p in self.placements if p.placement_id == placement_id), None)


async def load(connection: asyncpg.Connection, child_ids: list[str],
               tables: tuple[type[Row], ...] | None = None) -> dict[str, ChildFile]:
    """The files of these children (an empty file for a child not recorded yet), with ``tables`` (and the
    child's own record) or every table: one round trip, however many children."""
    kinds = tuple(k for k in STORE_ORDER if tables is None or k is Child or k in tables)
    files = {child_id: ChildFile(child_id, tables={k: [] for k in kinds if k is not Child}) for child_id in child_ids}
    found = await children_rows(connection, kinds, child_ids)
    for child in found.pop(Child):
        files[child.child_id].child = child
    for rows in found.values():
        for row in rows:
            files[row.child_id].add(row)
    return files
