"""Rules for periods of care and placements: pure functions, no I/O.

Each check raises InputError naming the field and the reason, before anything is stored.
"""

from datetime import date

from backbone.clock import not_in_future
from backbone.errors import InputError

from placements_service.models import CarePeriod, Child, Placement

CHILD_ENTERED_CARE = "uk.cla.placements.child-entered-care.v1"
CHILD_LEFT_CARE = "uk.cla.placements.child-left-care.v1"
PLACEMENT_STARTED = "uk.cla.placements.placement-started.v1"
PLACEMENT_ENDED = "uk.cla.placements.placement-ended.v1"


def check_care_period_start(
    *, date_of_birth: date, start_date: date, child: Child | None, periods: list[CarePeriod]
) -> None:
    not_in_future("date_of_birth", date_of_birth)
    not_in_future("start_date", start_date)
    if start_date < date_of_birth:
        raise InputError("start_date", f"{start_date} is before the child's date of birth {date_of_birth}")
    if child and child.date_of_birth != date_of_birth:
        raise InputError("date_of_birth", "differs from the date of birth already recorded for this child")
    for period in periods:
        if period.end_date is None:
            raise InputError("start_date", f"the child is already looked after (period {period.care_period_id} is open)")
        if start_date <= period.end_date:
            raise InputError("start_date", f"overlaps period {period.care_period_id}, which ended {period.end_date}")


def check_care_period_end(*, period: CarePeriod, end_date: date, placements: list[Placement]) -> None:
    not_in_future("end_date", end_date)
    if period.end_date is not None:
        raise InputError("care_period_id", f"this period of care already ended on {period.end_date}")
    if end_date < period.start_date:
        raise InputError("end_date", f"{end_date} is before the period started ({period.start_date})")
    for placement in placements:
        if placement.start_date > end_date:
            raise InputError("end_date", f"{end_date} is before placement {placement.placement_id} started ({placement.start_date})")


def open_period(periods: list[CarePeriod]) -> CarePeriod | None:
    return next((p for p in periods if p.end_date is None), None)


def check_placement_start(
    *, period: CarePeriod | None, start_date: date, placements: list[Placement]
) -> Placement | None:
    """Validates a new placement; returns the open placement it replaces (ended on the new start date), if any."""
    not_in_future("start_date", start_date)
    if period is None:
        raise InputError("child_id", "the child has no open period of care: record that they entered care first")
    if start_date < period.start_date:
        raise InputError("start_date", f"{start_date} is before the period of care started ({period.start_date})")
    current = next((p for p in placements if p.end_date is None), None)
    latest_start = max((p.start_date for p in placements), default=None)
    if latest_start and start_date < latest_start:
        raise InputError("start_date", f"{start_date} is before the latest placement started ({latest_start})")
    latest_end = max((p.end_date for p in placements if p.end_date), default=None)
    if latest_end and start_date < latest_end:
        raise InputError("start_date", f"{start_date} is before the previous placement ended ({latest_end})")
    return current


def check_placement_end(*, placement: Placement, end_date: date) -> None:
    not_in_future("end_date", end_date)
    if placement.end_date is not None:
        raise InputError("placement_id", f"this placement already ended on {placement.end_date}")
    if end_date < placement.start_date:
        raise InputError("end_date", f"{end_date} is before the placement started ({placement.start_date})")


def care_period_event(child: Child, period: CarePeriod) -> tuple[str, dict]:
    data = {
        "care_period_id": period.care_period_id,
        "child_id": child.child_id,
        "date_of_birth": child.date_of_birth.isoformat(),
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat() if period.end_date else None,
        "legal_status": period.legal_status,
        "reason_ceased": period.reason_ceased,
        "effective_date": (period.end_date or period.start_date).isoformat(),
        "record_version": period.record_version,
    }
    return (CHILD_LEFT_CARE if period.end_date else CHILD_ENTERED_CARE), data


def placement_event(placement: Placement) -> tuple[str, dict]:
    data = {
        "placement_id": placement.placement_id,
        "care_period_id": placement.care_period_id,
        "child_id": placement.child_id,
        "start_date": placement.start_date.isoformat(),
        "end_date": placement.end_date.isoformat() if placement.end_date else None,
        "placement_type": placement.placement_type,
        "provider": placement.provider,
        "carer_id": placement.carer_id,
        "effective_date": (placement.end_date or placement.start_date).isoformat(),
        "record_version": placement.record_version,
    }
    return (PLACEMENT_ENDED if placement.end_date else PLACEMENT_STARTED), data
