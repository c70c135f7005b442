"""The case system's records about a looked-after child beyond periods of care and placements, each a
``RecordKind`` (backbone.record_kinds: recorded, corrected against the version last read, withdrawn as
entered in error): what a partner sends, the rules on the record as it would be stored, and its event.

Every rule raises InputError naming the field and the reason, before anything is stored.
"""

import dataclasses
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from backbone.clock import not_in_future
from backbone.errors import InputError
from backbone.record_kinds import CHILD, RecordKind

from placements_service import domain
from placements_service.records import (Adoption, CarePeriod, Child, ChildFile, Conviction, LegalStatusChange,
                                        MissingEpisode, Review, SocialWorkerAllocation, Visit)

AGE_OF_CRIMINAL_RESPONSIBILITY = 10  # England and Wales
PERIODS = (Child, CarePeriod)  # what every kind's rules read besides its own records


def _dates_not_in_future(fields: dict) -> None:
    for name, value in fields.items():
        if isinstance(value, date):
            not_in_future(name, value)


def _known_child(file: ChildFile) -> list[CarePeriod]:
    periods = file.current_periods()
    if not periods:
        raise InputError("child_id", "unknown child: no period of care is recorded for this child", "path")
    return periods


# Every record of a child needs the child recorded first: a child with no period of care is unknown here.
KNOWN_CHILD = dataclasses.replace(CHILD, guard=_known_child)


def _looked_after_on(file: ChildFile, day: date, field: str) -> CarePeriod:
    """The period of care the child was in on ``day`` (the day they left included: a review or a visit on
    the last day still happened while looked after)."""
    period = next((p for p in _known_child(file) if p.start_date <= day and (p.end_date is None or day <= p.end_date)), None)
    if period is None:
        raise InputError(field, f"the child was not looked after on {day}")
    return period


def _one_per_day(others: list, field: str, day: date, noun: str, id_field: str) -> None:
    same = next((o for o in others if getattr(o, field) == day), None)
    if same:
        raise InputError(field, f"{noun} {getattr(same, id_field)} is already recorded on {day}")


# ---- Missing and away-from-placement episodes, and return home interviews (903 missing table) ----

# Each step of an episode, in the order they happen: (its date, its optional time).
_MISSING_STEPS = (("start_date", "start_time"), ("end_date", "end_time"), ("rhi_offered_date", "rhi_offered_time"),
                  ("rhi_held_date", "rhi_held_time"))


def _moments(fields: dict) -> dict[str, tuple[date, time | None]]:
    """Each recorded step's date and time (a time needs its date, and is a local time with no offset)."""
    moments = {}
    for day_field, time_field in _MISSING_STEPS:
        day, hour = fields.get(day_field), fields.get(time_field)
        if hour is not None and day is None:
            raise InputError(time_field, f"a time needs its date: send {day_field} too")
        if hour is not None and hour.tzinfo is not None:
            raise InputError(time_field, "a local (UK) time of day, without an offset")
        if day is not None:
            moments[day_field] = (day, hour)
    return moments


def _before(earlier: tuple[date, time | None], later: tuple[date, time | None]) -> bool:
    """Whether ``later`` is before ``earlier``: by dates, and by times on the same day where both are known."""
    if later[0] != earlier[0] or None in (earlier[1], later[1]):
        return later[0] < earlier[0]
    return datetime.combine(*later) < datetime.combine(*earlier)


def check_missing_episode(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """It starts while the child is looked after, ends on or after its start, overlaps none of their other
    episodes (the clashing one is named), and its interview is offered after the return and held after the offer."""
    _dates_not_in_future(fields)
    moments = _moments(fields)
    start, end = fields["start_date"], fields["end_date"]
    if not any(p.start_date <= start and (p.end_date is None or start < p.end_date) for p in _known_child(file)):
        raise InputError("start_date", f"the child was not looked after on {start}")
    if end is not None and _before(moments["start_date"], moments["end_date"]):
        raise InputError("end_date", f"{end} is before the episode started ({start})")
    if fields["rhi_offered_date"] is not None and (end is None or _before(moments["end_date"], moments["rhi_offered_date"])):
        raise InputError("rhi_offered_date", "a return home interview is offered after the child returned (end_date)")
    if fields["rhi_held_date"] is not None and (fields["rhi_offered_date"] is None
                                                or _before(moments["rhi_offered_date"], moments["rhi_held_date"])):
        raise InputError("rhi_held_date", "a return home interview is held on or after the day it was offered")
    clash = domain.clash(start, end, MISSING_EPISODES.current(file, other_than), ends_inclusive=False)
    if clash:
        raise InputError("start_date", f"overlaps missing episode {clash.episode_id} "
                                       f"({clash.start_date} to {clash.end_date or 'now'})")


MISSING_EPISODES = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="missing-episode", path="missing-episodes", row=MissingEpisode, event_type=domain.MISSING_EPISODE_RECORDED,
    check=check_missing_episode, effective=lambda e: e.end_date or e.start_date, aliases=("missing-episode",),
    describe="A looked-after child went missing (M) or was away without authorisation (A) (903 missing table); "
             "the return and its return home interview are added by a correction. Each date may carry its local "
             "(UK) time of day, which the 903 does not record: rhi_within_72h counts hours where the return's time "
             "and the offer's are both known, else days.",
)


# ---- Social worker allocations (903 social worker episodes) ----


def check_social_worker_allocation(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """Dated, and clear of the child's other allocations (the clashing one is named)."""
    _dates_not_in_future(fields)
    start, end = fields["start_date"], fields["end_date"]
    if end is not None and end < start:
        raise InputError("end_date", f"{end} is before the allocation started ({start})")
    clash = domain.clash(start, end, SOCIAL_WORKERS.current(file, other_than), ends_inclusive=False)
    if clash:
        raise InputError("start_date", f"overlaps social worker allocation {clash.allocation_id} "
                                       f"({clash.start_date} to {clash.end_date or 'now'})")


def social_worker_replaced(file: ChildFile, fields: dict) -> SocialWorkerAllocation | None:
    """The open allocation a new open one takes over from (it ends on the new start date), if any."""
    _known_child(file)
    if fields["end_date"] is not None:
        return None
    current = next((a for a in SOCIAL_WORKERS.current(file) if a.end_date is None), None)
    if current and fields["start_date"] <= current.start_date:
        raise InputError("start_date", f"{fields['start_date']} is not after the current allocation started "
                                       f"({current.start_date})")
    return current


SOCIAL_WORKERS = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="social-worker-allocation", path="social-worker-allocations", row=SocialWorkerAllocation,
    event_type=domain.SOCIAL_WORKER_ALLOCATED, check=check_social_worker_allocation,
    effective=lambda a: a.end_date or a.start_date, aliases=("allocate-social-worker",), replaces=social_worker_replaced,
    describe="A social worker was allocated (the one before hands over that day); with an end date, one recorded late.",
)


# ---- Legal status changes within a period of care (903 LS, RNE L) ----


def check_legal_status_change(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """Inside its period of care, after the day it started (the period's legal status is the first), and
    the only change of that period on its day."""
    _dates_not_in_future(fields)
    period = file.period(fields["care_period_id"])
    if period is None or period.withdrawn:
        raise InputError("care_period_id", "no such period of care for this child")
    day = fields["start_date"]
    if day <= period.start_date or (period.end_date and day >= period.end_date):
        raise InputError("start_date", f"{day} is not inside period {period.care_period_id} ({period.start_date} to "
                                       f"{period.end_date or 'now'}): the period's own legal status holds from its start")
    others = [c for c in LEGAL_STATUSES.current(file, other_than) if c.care_period_id == period.care_period_id]
    _one_per_day(others, "start_date", day, "legal status change", "change_id")


LEGAL_STATUSES = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="legal-status-change", path="legal-status-changes", row=LegalStatusChange,
    event_type=domain.LEGAL_STATUS_CHANGED, check=check_legal_status_change, effective=lambda c: c.start_date,
    fixed=("care_period_id",), aliases=("legal-status-change",),
    describe="The child's legal status changed within a period of care (903 LS codes; V3/V4: short breaks).",
)


# ---- Looked-after reviews (903 REVIEWS) ----


def check_review(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """Held while the child was looked after, one a day."""
    _dates_not_in_future(fields)
    _looked_after_on(file, fields["review_date"], "review_date")
    _one_per_day(REVIEWS.current(file, other_than), "review_date", fields["review_date"], "review", "review_id")


REVIEWS = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="review", path="reviews", row=Review, event_type=domain.REVIEW_HELD, check=check_review,
    effective=lambda r: r.review_date, order_by="review_date", aliases=("review",),
    describe="A looked-after review was held (903 REVIEWS; Care Planning Regulations 2010 reg 33).",
)


# ---- Statutory visits ----


def check_visit(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """Made while the child was looked after, one a day."""
    _dates_not_in_future(fields)
    _looked_after_on(file, fields["visit_date"], "visit_date")
    _one_per_day(VISITS.current(file, other_than), "visit_date", fields["visit_date"], "visit", "visit_id")


VISITS = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="visit", path="visits", row=Visit, event_type=domain.VISIT_MADE, check=check_visit,
    effective=lambda v: v.visit_date, order_by="visit_date", aliases=("visit",),
    describe="The child's social worker visited them (Care Planning Regulations 2010 reg 28).",
)


# ---- Convictions and youth cautions (903 OC2 CONVICTED) ----


def check_conviction(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """Dated, and at an age the child could be convicted or cautioned (10 or over)."""
    _dates_not_in_future(fields)
    day = fields["outcome_date"]
    if day < file.child.date_of_birth + relativedelta(years=AGE_OF_CRIMINAL_RESPONSIBILITY):
        raise InputError("outcome_date", f"the child was under {AGE_OF_CRIMINAL_RESPONSIBILITY} on {day} (the age of "
                                         "criminal responsibility)")


CONVICTIONS = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="conviction", path="convictions", row=Conviction, event_type=domain.CONVICTION_RECORDED,
    check=check_conviction, effective=lambda c: c.outcome_date, order_by="outcome_date", aliases=("conviction",),
    describe="The child was convicted or received a youth caution (903 OC2 CONVICTED): the date, never the offence.",
)


# ---- Adoption milestones (903 placed for adoption and AD1) ----

MILESTONES = ("decision_date", "placement_order_date", "match_date", "placed_date", "adoption_order_date")


def check_adoption(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """One per period of care; its milestones fall in that period (the adoption order may end it), and a
    child moves in after the match and is adopted after moving in."""
    _dates_not_in_future(fields)
    if not any(fields[name] for name in MILESTONES):
        raise InputError("decision_date", f"record at least one milestone ({', '.join(MILESTONES)})")
    period = file.period(fields["care_period_id"])
    if period is None or period.withdrawn:
        raise InputError("care_period_id", "no such period of care for this child")
    for other in ADOPTIONS.current(file, other_than):
        if other.care_period_id == period.care_period_id:
            raise InputError("care_period_id", f"adoption {other.adoption_id} is already recorded for this period: "
                                               "correct it instead")
    for name in MILESTONES:
        day = fields[name]
        if day and (day < period.start_date or (period.end_date and day > period.end_date)):
            raise InputError(name, f"{day} is outside period {period.care_period_id} ({period.start_date} to "
                                   f"{period.end_date or 'now'})")
    for earlier, later in (("match_date", "placed_date"), ("placed_date", "adoption_order_date")):
        if fields[earlier] and fields[later] and fields[later] < fields[earlier]:
            raise InputError(later, f"{fields[later]} is before the {earlier.removesuffix('_date')} ({fields[earlier]})")


def _latest_milestone(adoption: Adoption) -> date:
    return max(getattr(adoption, name) for name in MILESTONES if getattr(adoption, name))


ADOPTIONS = RecordKind(
    reads=PERIODS, subject=KNOWN_CHILD,
    name="adoption", path="adoptions", row=Adoption, event_type=domain.ADOPTION_RECORDED, check=check_adoption,
    effective=_latest_milestone, fixed=("care_period_id",), order_by="care_period_id", aliases=("adoption",),
    describe="A child's adoption milestones in a period of care: decision to place, placement order, match, "
             "placed for adoption, adoption order. Add each later milestone by a correction.",
)


def check_period_holds(file: ChildFile, care_period_id: str, start: date | None, end: date | None, field: str,
                       location: str = "body") -> None:
    """A period of care about to end, be corrected to ``start``..``end`` or be withdrawn (``start`` None) still
    holds the records that belong to it: its legal status changes and adoption milestones, and the child's
    reviews, visits and missing episodes, each of which must stay inside one of the child's periods."""
    def inside(day: date) -> bool:
        return start is not None and start <= day and (end is None or day <= end)

    for change in LEGAL_STATUSES.current(file):
        if change.care_period_id == care_period_id and not (inside(change.start_date) and change.start_date != start
                                                            and change.start_date != end):
            raise InputError(field, f"legal status change {change.change_id} ({change.start_date}) would fall outside "
                                    "the period: correct or withdraw it first", location)
    for adoption in ADOPTIONS.current(file):
        for name in MILESTONES:
            day = getattr(adoption, name)
            if adoption.care_period_id == care_period_id and day and not inside(day):
                raise InputError(field, f"adoption {adoption.adoption_id} ({name} {day}) would fall outside the period: "
                                        "correct or withdraw it first", location)
    others = [p for p in file.current_periods() if p.care_period_id != care_period_id]
    for kind, day_of in ((REVIEWS, "review_date"), (VISITS, "visit_date"), (MISSING_EPISODES, "start_date")):
        for record in kind.current(file):
            day = getattr(record, day_of)
            if not inside(day) and not any(p.start_date <= day and (p.end_date is None or day <= p.end_date) for p in others):
                raise InputError(field, f"{kind.name.replace('-', ' ')} {getattr(record, kind.id_field)} ({day}) would "
                                        "fall outside every period of care: correct or withdraw it first", location)


KINDS = [MISSING_EPISODES, SOCIAL_WORKERS, LEGAL_STATUSES, REVIEWS, VISITS, CONVICTIONS, ADOPTIONS]
