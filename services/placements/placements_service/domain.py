"""Rules for periods of care and placements: pure functions, no I/O.

Each check raises InputError naming the field and the reason, before anything is stored.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from backbone.clock import not_in_future
from backbone.corrections import withdrawn_flag
from backbone.errors import InputError

if TYPE_CHECKING:  # the rules read records' fields; they need no table (and no database) to be tested
    from placements_service.records import CarePeriod, Child, Placement

CHILD_ENTERED_CARE = "uk.cla.placements.child-entered-care.v1"
CHILD_LEFT_CARE = "uk.cla.placements.child-left-care.v2"
PLACEMENT_STARTED = "uk.cla.placements.placement-started.v1"
PLACEMENT_ENDED = "uk.cla.placements.placement-ended.v1"
MISSING_EPISODE_RECORDED = "uk.cla.placements.missing-episode-recorded.v1"
SOCIAL_WORKER_ALLOCATED = "uk.cla.placements.social-worker-allocated.v1"
LEGAL_STATUS_CHANGED = "uk.cla.placements.legal-status-changed.v1"
REVIEW_HELD = "uk.cla.placements.review-held.v1"
VISIT_MADE = "uk.cla.placements.visit-made.v1"
CONVICTION_RECORDED = "uk.cla.placements.conviction-recorded.v1"
ADOPTION_RECORDED = "uk.cla.placements.adoption-recorded.v1"


# 903 SEX and ETHNIC: kept in this service, never published (no consumer needs them).
Sex = Literal["1", "2"]
Ethnicity = Literal["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
                    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]


def check_child_details(date_of_birth: date, fields: dict) -> None:
    """The child's record: born by today; a day they ceased to be UASC only for a UASC child, after birth."""
    not_in_future("date_of_birth", date_of_birth)
    ceased = fields.get("uasc_ceased_date")
    if ceased is not None:
        not_in_future("uasc_ceased_date", ceased)
        if not fields.get("uasc"):
            raise InputError("uasc_ceased_date", "only an unaccompanied asylum-seeking child (uasc: true) ceases to be one")
        if ceased < date_of_birth:
            raise InputError("uasc_ceased_date", f"{ceased} is before the child's date of birth {date_of_birth}")


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
        if period.end_date is None and start_date >= period.start_date:
            raise InputError("start_date", f"the child is already looked after (period {period.care_period_id} is open)")
        if start_date < period.start_date:
            raise InputError("end_date", f"{start_date} is before period {period.care_period_id} started "
                                         f"({period.start_date}): an earlier period recorded late needs its end_date "
                                         "and reason_ceased")
        if start_date <= period.end_date:
            raise InputError("start_date", f"overlaps period {period.care_period_id}, which ended {period.end_date}")


# Codes the 903 has retired: (field, code) -> (the last day a record may be dated with it, what replaced it).
# The event contracts keep them (older years' records carry them); a record is held to the list of its own date.
RETIRED_CODES = {
    ("reason_ceased", "E43"): (date(2016, 3, 31), "E45-E48"),  # special guardianship: to former foster carers
    ("reason_ceased", "E44"): (date(2016, 3, 31), "E45-E48"),  # special guardianship: to other carers
}


def codes_valid_on(day: date, fields: dict) -> list[dict]:
    """Each code of ``fields`` must have been valid on ``day`` (the record's date): a retired code is refused
    for a later record, and accepted with a warning (field, reason) for one dated while it was valid."""
    warnings = []
    for (field, code), (last_day, replaced_by) in RETIRED_CODES.items():
        if fields.get(field) != code:
            continue
        if day > last_day:
            raise InputError(field, f"{code} was replaced by {replaced_by} after {last_day}: a record dated {day} "
                                    f"uses {replaced_by}")
        warnings.append({"field": field, "reason": f"{code} is no longer in use (replaced by {replaced_by} after "
                                                  f"{last_day}); accepted for a record dated {day}"})
    return warnings


def check_care_period_end(*, period: CarePeriod, end_date: date, placements: list[Placement]) -> None:
    not_in_future("end_date", end_date)
    if period.end_date is not None:
        raise InputError("care_period_id", f"this period of care already ended on {period.end_date}")
    if end_date < period.start_date:
        raise InputError("end_date", f"{end_date} is before the period started ({period.start_date})")
    for placement in placements:
        if placement.start_date > end_date:
            raise InputError("end_date", f"{end_date} is before placement {placement.placement_id} started ({placement.start_date})")
        if placement.end_date and placement.end_date > end_date:
            raise InputError("end_date", f"placement {placement.placement_id} ended later ({placement.end_date}): "
                                         "correct it first, so no placement runs outside its period of care")


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


def clash(start: date, end: date | None, others: list, ends_inclusive: bool):
    """The first of ``others`` whose dates overlap start..end (an open end runs on for ever). Periods of care
    include their end day (a child who left on D is not looked after again on D); a placement hands over to
    the next on the day of the move."""
    for other in others:
        other_end = other.end_date or date.max
        if ends_inclusive:
            if start <= other_end and other.start_date <= (end or date.max):
                return other
        elif start < other_end and other.start_date < (end or date.max):
            return other
    return None


def check_placement_record(*, start_date: date, end_date: date | None, period: CarePeriod,
                           others: list[Placement]) -> None:
    """A placement as recorded, late or corrected: inside its period of care, and clear of the child's other
    placements (the clashing one is named)."""
    not_in_future("start_date", start_date)
    if end_date is not None:
        not_in_future("end_date", end_date)
        if end_date < start_date:
            raise InputError("end_date", f"{end_date} is before the placement started ({start_date})")
    if start_date < period.start_date:
        raise InputError("start_date", f"{start_date} is before the period of care started ({period.start_date})")
    if period.end_date and (end_date is None or end_date > period.end_date):
        raise InputError("end_date", f"the period of care ended {period.end_date}: the placement must end by then")
    other = clash(start_date, end_date, others, ends_inclusive=False)
    if other:
        raise InputError("start_date", f"overlaps placement {other.placement_id} "
                                       f"({other.start_date} to {other.end_date or 'now'})")


def check_care_period_record(*, date_of_birth: date, start_date: date, end_date: date | None,
                             reason_ceased: str | None, others: list[CarePeriod], placements: list[Placement]) -> None:
    """A period of care as corrected: after birth, clear of the child's other periods, with a reason when it
    has ended, and holding every one of its placements."""
    not_in_future("start_date", start_date)
    if start_date < date_of_birth:
        raise InputError("start_date", f"{start_date} is before the child's date of birth {date_of_birth}")
    if end_date is not None:
        not_in_future("end_date", end_date)
        if end_date < start_date:
            raise InputError("end_date", f"{end_date} is before the period started ({start_date})")
        if not reason_ceased:
            raise InputError("reason_ceased", "a period of care that has ended needs its reason (903 REC)")
    other = clash(start_date, end_date, others, ends_inclusive=True)
    if other:
        raise InputError("start_date", f"overlaps period {other.care_period_id} ({other.start_date} to {other.end_date or 'now'})")
    for placement in placements:
        if placement.start_date < start_date or (end_date and (placement.end_date or date.max) > end_date):
            raise InputError("start_date" if placement.start_date < start_date else "end_date",
                             f"placement {placement.placement_id} ({placement.start_date} to "
                             f"{placement.end_date or 'now'}) would fall outside the period")


def period_holding(periods: list[CarePeriod], start_date: date, end_date: date) -> CarePeriod | None:
    """The period of care a closed placement from start_date to end_date belongs to."""
    return next((p for p in periods if p.start_date <= start_date and (p.end_date is None or end_date <= p.end_date)), None)


NEW_CARER, SAME_CARER = ("P", "B"), ("T", "U")  # 903 RNE


def check_reason_new_episode(code: str | None, start_date: date, period: CarePeriod, carer_id: str | None,
                             before: Placement | None) -> None:
    """903 RNE S marks the placement that starts the period of care; every later placement is a move (P/B
    new carer, T/U same carer). T/U continues the placement just before it, which must be recorded (a
    partner who sent it first is told what is missing, to resend); where the RNE and the carer ids
    disagree (P/B naming the carer before, T/U another), the RNE decides and the contradiction is refused."""
    if code == "S" and start_date != period.start_date:
        raise InputError("reason_new_episode", f"S is for the placement that starts the period of care "
                                               f"({period.start_date}); a later one is P, B, T or U")
    if code not in (None, "S") and start_date == period.start_date:
        raise InputError("reason_new_episode", f"the placement starts the period of care ({period.start_date}): "
                                               "its reason is S")
    if code in SAME_CARER and before is None:
        raise InputError("reason_new_episode", f"{code} continues the placement before it with the same carer, but "
                                               f"no placement of this period starts before {start_date}: record "
                                               "the placement it continues first, then resend")
    if code in SAME_CARER and before.end_date is not None and before.end_date < start_date:
        raise InputError("reason_new_episode", f"{code} continues the placement before it, but placement "
                                               f"{before.placement_id} ended {before.end_date}: the placement from "
                                               f"{before.end_date} to {start_date} is missing; record it first, "
                                               "then resend")
    if before is not None and before.end_date in (None, start_date):
        check_carers_agree(code, carer_id, before.carer_id, f"placement {before.placement_id} before it")


def check_carers_agree(code: str | None, carer_id: str | None, previous_carer_id: str | None, previous: str,
                       field: str = "reason_new_episode") -> None:
    """A placement's RNE against the carer of the placement it follows (``previous`` names that one)."""
    if not (code and carer_id and previous_carer_id):
        return  # no carer ids to compare: the RNE alone says whether the carer changed
    if code in SAME_CARER and carer_id != previous_carer_id:
        raise InputError(field, f"{code} means the same carer, but {previous} has a different carer_id")
    if code in NEW_CARER and carer_id == previous_carer_id:
        raise InputError(field, f"{code} means a new carer, but {previous} has the same carer_id: "
                                "a change with the same carer is T or U")


def check_next_placement(after: Placement | None, carer_id: str | None) -> None:
    """A placement slotted in (or corrected) just before ``after``: the RNE of ``after`` must still agree."""
    if after is not None:
        check_carers_agree(after.reason_new_episode, after.carer_id, carer_id,
                           f"this placement, before placement {after.placement_id} ({after.reason_new_episode}),",
                           "carer_id")


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
        "category_of_need": period.category_of_need,
        "reason_ceased": period.reason_ceased,
        "effective_date": (period.end_date or period.start_date).isoformat(),
        "record_version": period.record_version,
        **withdrawn_flag(period),
    }
    return (CHILD_LEFT_CARE if period.end_date else CHILD_ENTERED_CARE), data

