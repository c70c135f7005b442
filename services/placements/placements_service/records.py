"""The placements service's records as the commands see them (rows of its tables, as migrations/versions
makes them), and the child's file: every record of one child, loaded in one go for the rules to read.

A row's fields are written once, here: with the types (code lists from the contracts, id shapes) a partner's
request is checked against; what a partner sends to record or correct one is derived from them
(backbone.record_kinds)."""

import dataclasses
from datetime import date, time
from typing import Annotated

from pydantic import Field

from backbone.codes import code_list
from backbone.writes import File, Records, Row

from placements_service import domain

OpaqueId = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]  # e.g. a carer's id: never a name
# A UK postcode ("HD1 2TG"), kept in this service only: the distance and inside/outside are published.
Postcode = Annotated[str, Field(max_length=8, pattern=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$")]
LegalStatus = code_list(domain.CHILD_ENTERED_CARE, "legal_status")


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
    placement_type: code_list(domain.PLACEMENT_STARTED, "placement_type")
    provider: code_list(domain.PLACEMENT_STARTED, "provider") | None = None
    carer_id: OpaqueId | None = None  # the event contract allows 64 characters; a name would need spaces
    record_version: int = 1
    withdrawn: bool = False
    home_postcode: Postcode | None = None  # personal data: kept here, never published
    placement_postcode: Postcode | None = None
    distance_miles: float | None = None  # from the postcodes (geography.py); None when either is unknown
    outside_boundary: bool | None = None
    # 903 RNE: S the placement that starts the period of care; P/B a new carer; T/U the same carer (e.g. a
    # foster placement becoming an adoptive one). Without it, the carer id says whether the carer changed.
    reason_new_episode: code_list(domain.PLACEMENT_STARTED, "reason_new_episode") | None = None
    reason_place_change: code_list(domain.PLACEMENT_STARTED, "reason_place_change") | None = None


@dataclasses.dataclass(slots=True)
class MissingEpisode(Row):
    """Missing (M) or away from placement without authorisation (A): SSDA903's missing table."""

    TABLE = "missing_episodes"
    KEY = ("episode_id",)
    episode_id: str
    child_id: str
    kind: code_list(domain.MISSING_EPISODE_RECORDED, "kind")
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
    worker_id: OpaqueId  # never a name
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
    care_period_id: OpaqueId
    start_date: date
    legal_status: LegalStatus
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
    participation: code_list(domain.REVIEW_HELD, "participation") | None = None  # 903 REVIEW_CODE: how the child took part
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
    outcome: code_list(domain.CONVICTION_RECORDED, "outcome")
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
    care_period_id: OpaqueId
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


class ChildFile(File):
    """One child's records (backbone.writes.File), with the child's own record and their periods and placements."""

    __slots__ = ()

    @property
    def child(self) -> Child | None:
        return next(iter(self.rows(Child)), None)

    @child.setter
    def child(self, child: Child) -> None:
        self.tables[Child] = [child]

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


RECORDS = Records(STORE_ORDER, file=ChildFile)
