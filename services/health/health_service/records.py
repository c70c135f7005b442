"""The health service's records as the commands see them (rows of its tables, as migrations/versions makes
them), and the child's file."""

import dataclasses
from datetime import date

import asyncpg

import care_register
from backbone.writes import Row, children_rows


@dataclasses.dataclass(slots=True)
class Assessment(Row):
    """An Initial Health Assessment: one per period of care (withdrawn ones aside)."""

    TABLE = "initial_health_assessments"
    KEY = ("assessment_id",)
    assessment_id: str
    child_id: str
    care_period_id: str
    completed_date: date
    record_version: int = 1
    withdrawn: bool = False


STORE_ORDER = (Assessment,)


@dataclasses.dataclass(slots=True)
class ChildFile:
    child_id: str
    periods: list[care_register.KnownPeriod] = dataclasses.field(default_factory=list)
    assessments: list[Assessment] = dataclasses.field(default_factory=list)

    def assessment(self, assessment_id: str) -> Assessment | None:
        return next((a for a in self.assessments if a.assessment_id == assessment_id), None)

    def assessment_for(self, care_period_id: str, other_than: str | None = None) -> Assessment | None:
        return next((a for a in self.assessments if a.care_period_id == care_period_id and not a.withdrawn
                     and a.assessment_id != other_than), None)


async def load(connection: asyncpg.Connection, child_ids: list[str]) -> dict[str, ChildFile]:
    found = await children_rows(connection, (care_register.KnownPeriod, *STORE_ORDER), child_ids)
    periods = care_register.by_child(found[care_register.KnownPeriod], child_ids)
    files = {child_id: ChildFile(child_id, periods[child_id]) for child_id in child_ids}
    for row in found[Assessment]:
        files[row.child_id].assessments.append(row)
    return files
