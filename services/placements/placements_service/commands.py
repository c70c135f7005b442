"""What the case system can tell the placements service, and what each command does: check the rules
(domain.py) against the child's file (records.py), change its records and note each change and its event
(backbone.writes). No I/O: HTTP (api.py) and bulk (backbone.bulk) load the file, call these, and store the
changes in one transaction; neither holds a rule of its own."""

import uuid
from datetime import date

from dateutil.relativedelta import relativedelta

from backbone.codes import code_list
from backbone.corrections import Change, check_current, corrected_fields, next_version, withdraw
from backbone.errors import InputError
from backbone.record_kinds import STALE, Action, Operation, RecordKind, child_records, operations
from backbone.requests import StrictBody
from backbone.writes import Changes, reads

from placements_service import domain
from placements_service.child_records import (AGE_OF_CRIMINAL_RESPONSIBILITY, CONVICTIONS, KINDS, KNOWN_CHILD,
                                              check_period_holds)
from placements_service.geography import GEOGRAPHY
from placements_service.records import CarePeriod, Child, ChildFile, Conviction, LegalStatus, Placement

ReasonCeased = code_list(domain.CHILD_LEFT_CARE, "reason_ceased")
CategoryOfNeed = code_list(domain.CHILD_ENTERED_CARE, "category_of_need")

Result = tuple[int, dict]  # (HTTP-style status, the record as stored)


class ChildDetails(StrictBody):
    """What the case system knows of the child besides their date of birth (903 header and UASC tables).
    Kept in this service: none of it is published."""
    sex: domain.Sex | None = None  # 903 SEX: 1 male, 2 female
    ethnicity: domain.Ethnicity | None = None  # 903 ETHNIC
    uasc: bool = False  # an unaccompanied asylum-seeking child
    uasc_ceased_date: date | None = None  # 903 DUC: the day they ceased to be one


CHILD_DETAILS = frozenset(ChildDetails.model_fields)


class CarePeriodStart(ChildDetails):
    date_of_birth: date
    start_date: date
    legal_status: LegalStatus
    category_of_need: CategoryOfNeed | None = None  # 903 CIN
    # Given for a period recorded late (it has already ended): it slots in before or between the child's others.
    end_date: date | None = None
    reason_ceased: ReasonCeased | None = None


class CarePeriodEnd(StrictBody):
    end_date: date
    reason_ceased: ReasonCeased


class ChildCorrection(Change, ChildDetails):
    """The fields of the child's record to correct (those sent, and only those, change), against the version
    last read: the date of birth, sex, ethnicity, UASC status and the day it ceased."""
    date_of_birth: date | None = None


class CarePeriodCorrection(Change):
    """The fields to correct (those sent, and only those, change; end_date null reopens the period)."""
    start_date: date | None = None
    end_date: date | None = None
    legal_status: LegalStatus | None = None
    reason_ceased: ReasonCeased | None = None
    category_of_need: CategoryOfNeed | None = None


def _save_period(file: ChildFile, changes: Changes, period: CarePeriod) -> None:
    changes.save(period)
    event_type, data = domain.care_period_event(file.child, period)
    changes.publish(event_type, file.child_id, data)


def _answer(period: CarePeriod, warnings: list[dict]) -> dict:
    """The period as stored, with a warning for each retired code it was accepted with."""
    return {**period.as_json(), "warnings": warnings} if warnings else period.as_json()


@reads(Child, CarePeriod)
def enter_care(file: ChildFile, changes: Changes, body: CarePeriodStart) -> Result:
    """A child became looked after."""
    periods = file.current_periods()
    if file.child is not None and not periods and file.child.date_of_birth != body.date_of_birth:
        # Every period withdrawn as entered in error: its birth date may have been wrong too.
        file.child.date_of_birth = body.date_of_birth
        next_version(file.child)
        changes.save(file.child)
    if body.end_date is None:
        if body.reason_ceased is not None:
            raise InputError("reason_ceased", "a period that has not ended has no reason ceased: send its end_date too")
        domain.check_care_period_start(date_of_birth=body.date_of_birth, start_date=body.start_date, child=file.child,
                                       periods=periods)
    else:  # recorded late: clear of the child's other periods, like a late placement
        if file.child and file.child.date_of_birth != body.date_of_birth:
            raise InputError("date_of_birth", "differs from the date of birth already recorded for this child")
        domain.check_care_period_record(date_of_birth=body.date_of_birth, start_date=body.start_date,
                                        end_date=body.end_date, reason_ceased=body.reason_ceased, others=periods,
                                        placements=[])
    warnings = domain.codes_valid_on(body.end_date, {"reason_ceased": body.reason_ceased}) if body.end_date else []
    details = {name: getattr(body, name) for name in CHILD_DETAILS & body.model_fields_set}  # those sent
    if file.child is None:
        if details:
            domain.check_child_details(body.date_of_birth, details)
        file.child = Child(file.child_id, body.date_of_birth, **details)
        changes.save(file.child)
    for name, value in details.items():
        if value != getattr(file.child, name):
            raise InputError(name, "differs from what is recorded for this child: correct it with PATCH /children/{id}")
    period = CarePeriod(str(uuid.uuid4()), file.child_id, body.start_date, body.end_date, body.legal_status,
                        reason_ceased=body.reason_ceased, category_of_need=body.category_of_need)
    file.periods.append(period)
    _save_period(file, changes, period)
    return 201, _answer(period, warnings)


def _current_period(file: ChildFile, care_period_id: str) -> CarePeriod:
    period = file.period(care_period_id)
    if period is None or period.withdrawn:
        raise InputError("care_period_id", "no such period of care for this child", "path")
    return period


def leave_care(file: ChildFile, changes: Changes, care_period_id: str, body: CarePeriodEnd) -> Result:
    """A child ceased to be looked after. Their current placement ends on the same date."""
    period = _current_period(file, care_period_id)
    placements = file.current_placements(care_period_id)
    domain.check_care_period_end(period=period, end_date=body.end_date, placements=placements)
    check_period_holds(file, care_period_id, period.start_date, body.end_date, "end_date")
    for placement in placements:
        if placement.end_date is None:
            placement.end_date = body.end_date
            next_version(placement)
            PLACEMENTS.save(changes, placement)
    warnings = domain.codes_valid_on(body.end_date, {"reason_ceased": body.reason_ceased})
    period.end_date, period.reason_ceased = body.end_date, body.reason_ceased
    next_version(period)
    _save_period(file, changes, period)
    return 200, _answer(period, warnings)


def _upper(postcode: str | None) -> str | None:
    return postcode.upper() if postcode else postcode


def placement_columns(file: ChildFile, fields: dict, other_than: str | None) -> dict:
    """What the service works out for a placement: the period of care it belongs to (a placement recorded late,
    with an end date, slots into the period holding its dates; a move, into the open period; a correction
    keeps its period), and from the postcodes (in capitals) the distance and inside/outside the boundary."""
    if other_than:
        period_id = PLACEMENTS.find(file, other_than).care_period_id
    elif fields["end_date"] is not None:
        period = domain.period_holding(file.current_periods(), fields["start_date"], fields["end_date"])
        if period is None:
            raise InputError("start_date", "no period of care of this child holds these dates")
        period_id = period.care_period_id
    else:
        period = domain.open_period(file.current_periods())
        if period is None:
            raise InputError("child_id", "the child has no open period of care: record that they entered care first")
        period_id = period.care_period_id
    home, placed = _upper(fields["home_postcode"]), _upper(fields["placement_postcode"])
    distance, outside = GEOGRAPHY.placed(home, placed)
    return {"care_period_id": period_id, "home_postcode": home, "placement_postcode": placed,
            "distance_miles": distance, "outside_boundary": outside}


def placement_replaced(file: ChildFile, fields: dict) -> Placement | None:
    """A move (no end date): the placement the child was in ends on the same date."""
    if fields["end_date"] is not None:
        return None
    return domain.check_placement_start(period=file.period(fields["care_period_id"]), start_date=fields["start_date"],
                                        placements=file.current_placements(fields["care_period_id"]))


def check_placement(file: ChildFile, fields: dict, other_than: str | None) -> None:
    """A placement recorded late or corrected lies inside its period and clear of the others; its 903 RNE
    agrees with the placement before it, and the RNE of the placement after it (starting on its end date)
    still agrees with it."""
    period = file.period(fields["care_period_id"])
    if other_than or fields["end_date"] is not None:
        others = [p for p in file.current_placements(period.care_period_id) if p.placement_id != other_than]
        domain.check_placement_record(start_date=fields["start_date"], end_date=fields["end_date"], period=period,
                                      others=others)
    domain.check_reason_new_episode(fields["reason_new_episode"], fields["start_date"], period, fields["carer_id"],
                                    _before(file, period.care_period_id, fields["start_date"], other_than))
    domain.check_next_placement(_after(file, period.care_period_id, fields["end_date"], other_than), fields["carer_id"])


def _before(file: ChildFile, care_period_id: str, start_date: date, other_than: str | None = None) -> Placement | None:
    """The placement of the period just before one starting on ``start_date``."""
    earlier = [p for p in file.current_placements(care_period_id) if p.start_date < start_date and p.placement_id != other_than]
    return max(earlier, key=lambda p: p.start_date, default=None)


def _after(file: ChildFile, care_period_id: str, end_date: date | None, other_than: str | None = None) -> Placement | None:
    """The placement of the period that starts on the day one ending on ``end_date`` ends (the next one)."""
    return next((p for p in file.current_placements(care_period_id)
                 if end_date and p.start_date == end_date and p.placement_id != other_than), None)


def end_placement(file: ChildFile, placement: Placement, body) -> None:
    domain.check_placement_end(placement=placement, end_date=body.end_date)
    placement.end_date = body.end_date
    placement.reason_place_change = body.reason_place_change or placement.reason_place_change


PLACEMENTS = RecordKind(
    name="placement", path="placements", row=Placement, subject=KNOWN_CHILD, reads=(CarePeriod,),
    event_type=domain.PLACEMENT_STARTED, ended_event_type=domain.PLACEMENT_ENDED,
    check=check_placement, effective=lambda p: p.end_date or p.start_date,
    computed=("care_period_id", "distance_miles", "outside_boundary"), derive=placement_columns,
    private=frozenset({"home_postcode", "placement_postcode"}), replaces=placement_replaced,
    # The same child starting with the same carer, of the same type, on the same day, is the same placement.
    natural_key=("start_date", "carer_id", "placement_type"),
    actions=(Action("end", ("end_date", "reason_place_change"), end_placement, "The placement ended.",
                    required=frozenset({"end_date"}), dated_by="end_date"),),
    aliases=("start-placement",),
    describe="A child moved to a new placement (a new carer): the placement they were in ends on the same date. "
             "With an end date: a placement recorded late, slotted into the child's history.",
)


def correct_care_period(file: ChildFile, changes: Changes, care_period_id: str, body: CarePeriodCorrection) -> Result:
    """Correct a period of care (its dates, legal status, reason ceased), against the version last read."""
    period = file.period(care_period_id)
    check_current(period, body.record_version, "care_period_id")
    fields = corrected_fields(period, body, required={"start_date", "legal_status"})
    if fields["end_date"] is None:
        fields["reason_ceased"] = None
    others = [p for p in file.current_periods() if p.care_period_id != care_period_id]
    domain.check_care_period_record(date_of_birth=file.child.date_of_birth, start_date=fields["start_date"],
                                    end_date=fields["end_date"], reason_ceased=fields["reason_ceased"],
                                    others=others, placements=file.current_placements(care_period_id))
    check_period_holds(file, care_period_id, fields["start_date"], fields["end_date"],
                       "end_date" if fields["start_date"] == period.start_date else "start_date")
    warnings = domain.codes_valid_on(fields["end_date"], fields) if fields["end_date"] else []
    for name, value in fields.items():
        setattr(period, name, value)
    next_version(period)
    _save_period(file, changes, period)
    return 200, _answer(period, warnings)


def withdraw_care_period(file: ChildFile, changes: Changes, care_period_id: str, body: Change) -> Result:
    """Withdraw a period of care recorded in error (withdraw its placements first)."""
    period = file.period(care_period_id)
    check_current(period, body.record_version, "care_period_id")
    check_period_holds(file, care_period_id, None, None, "care_period_id", "path")
    if placements := file.current_placements(care_period_id):
        raise InputError("care_period_id", f"placement {placements[0].placement_id} is recorded in this period: "
                                           "withdraw its placements first", "path")
    withdraw(period)
    _save_period(file, changes, period)
    return 200, period.as_json()


@reads(Child, CarePeriod, Conviction)
def correct_child(file: ChildFile, changes: Changes, body: ChildCorrection) -> Result:
    """Correct the child's record, the date of birth too while they are looked after: every period of care
    carries it, so each is then published again (a new version) and the consumers' ages follow."""
    if file.child is None:
        raise InputError("child_id", "unknown child", "path")
    check_current(file.child, body.record_version, "child_id")
    fields = corrected_fields(file.child, body, required={"date_of_birth", "uasc"})
    domain.check_child_details(fields["date_of_birth"], fields)
    periods = file.current_periods()
    if first := min(periods, key=lambda p: p.start_date, default=None):
        if fields["date_of_birth"] > first.start_date:
            raise InputError("date_of_birth", f"is after the child entered care ({first.start_date}, period "
                                              f"{first.care_period_id})")
    for conviction in CONVICTIONS.current(file):
        if conviction.outcome_date < fields["date_of_birth"] + relativedelta(years=AGE_OF_CRIMINAL_RESPONSIBILITY):
            raise InputError("date_of_birth", f"conviction {conviction.conviction_id} ({conviction.outcome_date}) would be "
                                              f"before the child was {AGE_OF_CRIMINAL_RESPONSIBILITY}")
    born_again = fields["date_of_birth"] != file.child.date_of_birth
    for name, value in fields.items():
        setattr(file.child, name, value)
    next_version(file.child)
    changes.save(file.child)
    for period in periods if born_again else []:
        next_version(period)
        _save_period(file, changes, period)
    return 200, file.child.as_json()


def child_record(file: ChildFile) -> dict:
    """A child's periods of care and placements as stored (withdrawn ones left out)."""
    if file.child is None:
        raise InputError("child_id", "unknown child", "path")
    return {
        "child_id": file.child_id,
        **file.child.as_json(),
        "care_periods": [p.as_json() for p in sorted(file.current_periods(), key=lambda p: p.start_date)],
        "placements": [p.as_json() for p in sorted(file.current_placements(), key=lambda p: p.start_date)],
        **child_records(KINDS, file),
    }


# Periods of care and the child's own record: commands of their own (every record of the child must stay
# inside a period), routed and named like a record kind's, each with the field that dates it (bulk applies one
# child's records in date order; on one day, in this order). Leaving care and correcting or withdrawing a
# period read the whole file.
OPERATIONS = [
    Operation(enter_care, None, CarePeriodStart, "care_period", "record-care-period", "POST", "care-periods", "write",
              201, "Record a period of care", "A child became looked after.", aliases=("enter-care",),
              dated_by="start_date"),
    Operation(leave_care, "care_period_id", CarePeriodEnd, "care_period", "end-care-period", "POST",
              "care-periods/{care_period_id}/end", "write", 200, "End a period of care",
              "A child ceased to be looked after. Their current placement ends on the same date.",
              aliases=("leave-care",), dated_by="end_date"),
    Operation(correct_care_period, "care_period_id", CarePeriodCorrection, "care_period", "correct-care-period",
              "PATCH", "care-periods/{care_period_id}", "correct", 200, "Correct a period of care",
              "Correct a period of care (its dates, legal status, reason ceased), against the version last read.",
              responses=STALE, dated_by="start_date"),
    Operation(withdraw_care_period, "care_period_id", Change, "care_period", "withdraw-care-period", "POST",
              "care-periods/{care_period_id}/withdraw", "withdraw", 200, "Withdraw a period of care",
              "Withdraw a period of care recorded in error (withdraw its placements first).", responses=STALE),
    Operation(correct_child, None, ChildCorrection, "child", "correct-child", "PATCH", "", "correct", 200,
              "Correct the child's record", "Correct the child's date of birth (also while they are looked after), "
              "sex, ethnicity or UASC status, against the version last read.", responses=STALE),
    # Placements, missing episodes, social workers, reviews, visits, ... (child_records.py)
    *operations([PLACEMENTS, *KINDS]),
]
