"""The placements service's own tables."""

from datetime import date

from sqlmodel import Field, SQLModel

from backbone.tables import AuditEntry, IdempotencyRecord, OutboxMessage  # noqa: F401  (same metadata)


class Child(SQLModel, table=True):
    __tablename__ = "children"
    child_id: str = Field(primary_key=True)
    date_of_birth: date
    record_version: int = 1


class CarePeriod(SQLModel, table=True):
    """A period of care: from becoming looked after to ceasing to be (SSDA903 episodes joined up)."""

    __tablename__ = "care_periods"
    care_period_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id", index=True)
    start_date: date
    end_date: date | None = None
    legal_status: str
    reason_ceased: str | None = None
    record_version: int = 1
    withdrawn: bool = False  # entered in error: kept (its id and versions stay taken), out of every rule and read


class Placement(SQLModel, table=True):
    """A continuous period with the same carer(s)."""

    __tablename__ = "placements"
    placement_id: str = Field(primary_key=True)
    care_period_id: str = Field(foreign_key="care_periods.care_period_id")
    child_id: str = Field(foreign_key="children.child_id", index=True)
    start_date: date
    end_date: date | None = None
    placement_type: str
    provider: str | None = None
    carer_id: str | None = None
    record_version: int = 1
    withdrawn: bool = False
    home_postcode: str | None = None  # personal data: kept here, never published
    placement_postcode: str | None = None
    distance_miles: float | None = None  # from the postcodes (geography.py); None when either is unknown
    outside_boundary: bool | None = None


class MissingEpisode(SQLModel, table=True):
    """Missing (M) or away from placement without authorisation (A): SSDA903's missing table."""

    __tablename__ = "missing_episodes"
    episode_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id", index=True)
    kind: str
    start_date: date
    end_date: date | None = None
    rhi_offered_date: date | None = None  # return home interview offered
    rhi_held_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False


class SocialWorkerAllocation(SQLModel, table=True):
    """The social worker allocated to the child, from a date (SSDA903 social worker episodes)."""

    __tablename__ = "social_worker_allocations"
    allocation_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id", index=True)
    worker_id: str  # opaque, never a name
    start_date: date
    end_date: date | None = None
    record_version: int = 1
    withdrawn: bool = False
