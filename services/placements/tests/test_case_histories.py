"""What a case system must be able to say (issue 23), on a child's file in memory: an earlier period of care
recorded late, a same-carer placement sent before the placement it continues, codes valid by date, times of
a missing episode's return and its interview, and a new-carer reason that names the carer before."""

from datetime import date

import pytest

from backbone.errors import InputError
from backbone.record_kinds import correct, record
from backbone.writes import Changes
from placements_service import child_records as kinds
from placements_service import commands
from placements_service.commands import PLACEMENTS, CarePeriodEnd, CarePeriodStart
from placements_service.records import RECORDS, ChildFile, MissingEpisode


def looked_after(start=date(2020, 1, 6)) -> tuple[ChildFile, str]:
    file = RECORDS.file_of("C1")
    _, period = commands.enter_care(file, Changes(), CarePeriodStart(date_of_birth=date(2012, 5, 1), start_date=start,
                                                                     legal_status="C2"))
    return file, period["care_period_id"]


def placed(file: ChildFile, start: date, carer: str, rne: str, end: date | None = None) -> dict:
    return record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=start, end_date=end, placement_type="U4",
                                                              carer_id=carer, reason_new_episode=rne))[1]


# ---- 6. A same-carer placement (T/U) sent before the placement it continues ----

def test_a_same_carer_placement_sent_before_its_predecessor_is_told_what_is_missing_and_accepted_once_it_is_there():
    file, _ = looked_after()
    placed(file, date(2020, 1, 6), "X", "S", end=date(2020, 3, 1))
    # The child moved to Y on 1 March (P) and Y moved house on 1 June (T); the T arrives first.
    late_t = PLACEMENTS.new(start_date=date(2020, 6, 1), end_date=date(2020, 9, 1), placement_type="U4", carer_id="Y",
                            reason_new_episode="T")
    changes = Changes()
    with pytest.raises(InputError, match="the placement from 2020-03-01 to 2020-06-01 is missing") as refused:
        record(PLACEMENTS, file, changes, late_t)
    assert refused.value.field == "reason_new_episode" and not changes.saved
    placed(file, date(2020, 3, 1), "Y", "P", end=date(2020, 6, 1))
    status, stored = record(PLACEMENTS, file, Changes(), late_t)  # resent: now it continues Y's placement
    assert status == 201 and stored["reason_new_episode"] == "T"


def test_a_same_carer_placement_with_nothing_before_it_in_the_period_is_refused_naming_what_is_missing():
    file, _ = looked_after()
    with pytest.raises(InputError, match="no placement of this period starts before 2020-02-01: record the placement"):
        placed(file, date(2020, 2, 1), "X", "U")


def test_a_placement_slotted_in_before_a_same_carer_one_must_have_its_carer():
    file, _ = looked_after()
    placed(file, date(2020, 1, 6), "X", "S", end=date(2020, 3, 1))
    placed(file, date(2020, 3, 1), "Y", "P", end=date(2020, 6, 1))
    placed(file, date(2020, 6, 1), "Y", "T")
    before_t = file.placements[1]
    with pytest.raises(InputError, match=r"T means the same carer, but this placement.*has a different carer_id") as refused:
        correct(PLACEMENTS, file, Changes(), before_t.placement_id, PLACEMENTS.correction(record_version=1, carer_id="Z"))
    assert refused.value.field == "carer_id"


# ---- 9. A new-carer reason (P/B) naming the carer of the placement before ----

@pytest.mark.parametrize("rne", ["P", "B"])
def test_a_new_carer_reason_naming_the_same_carer_as_the_placement_before_is_refused(rne):
    file, _ = looked_after()
    placed(file, date(2020, 1, 6), "X", "S")
    changes = Changes()
    with pytest.raises(InputError, match=f"{rne} means a new carer, but placement .* before it has the same carer_id") as refused:
        record(PLACEMENTS, file, changes, PLACEMENTS.new(start_date=date(2020, 5, 1), placement_type="U4",
                                                         carer_id="X", reason_new_episode=rne))
    assert refused.value.field == "reason_new_episode" and not changes.saved
    assert file.placements[0].end_date is None and len(file.placements) == 1  # the placement before is untouched
    placed(file, date(2020, 5, 1), "X", "T")  # the same carer: T says so


def test_a_corrected_reason_is_held_to_the_same_rule_in_both_directions():
    file, _ = looked_after()
    placed(file, date(2020, 1, 6), "X", "S")
    moved = placed(file, date(2020, 5, 1), "Y", "P")
    with pytest.raises(InputError, match="T means the same carer"):
        correct(PLACEMENTS, file, Changes(), moved["placement_id"], PLACEMENTS.correction(record_version=1, reason_new_episode="T"))
    with pytest.raises(InputError, match="P means a new carer"):
        correct(PLACEMENTS, file, Changes(), moved["placement_id"], PLACEMENTS.correction(record_version=1, carer_id="X"))


# ---- 5. An earlier period of care recorded late ----

def test_an_earlier_period_recorded_late_slots_in_before_the_childs_other_period_and_is_published_as_ended():
    file, later = looked_after(start=date(2021, 4, 1))
    changes = Changes()
    status, earlier = commands.enter_care(file, changes, CarePeriodStart(
        date_of_birth=date(2012, 5, 1), start_date=date(2019, 2, 1), end_date=date(2019, 11, 30), reason_ceased="E13",
        legal_status="C2"))
    assert status == 201 and (earlier["end_date"], earlier["reason_ceased"]) == ("2019-11-30", "E13")
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert event.event_type.startswith("uk.cla.placements.child-left-care.")
    # Its placements slot in as late placements do.
    status, _ = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(
        start_date=date(2019, 2, 1), end_date=date(2019, 11, 30), placement_type="U4", reason_new_episode="S"))
    assert status == 201 and {p.care_period_id for p in file.placements} == {earlier["care_period_id"]}
    assert later != earlier["care_period_id"]


@pytest.mark.parametrize("start, end, field, reason", [
    (date(2021, 3, 1), date(2021, 4, 1), "start_date", "overlaps period"),  # ends on the day the later one starts
    (date(2019, 2, 1), None, "end_date", "an earlier period recorded late needs its end_date and reason_ceased"),
])
def test_an_earlier_period_that_overlaps_or_has_no_end_is_refused_and_nothing_changes(start, end, field, reason):
    file, _ = looked_after(start=date(2021, 4, 1))
    changes = Changes()
    with pytest.raises(InputError, match=reason) as refused:
        commands.enter_care(file, changes, CarePeriodStart(date_of_birth=date(2012, 5, 1), start_date=start, end_date=end,
                                                           reason_ceased="E13" if end else None, legal_status="C2"))
    assert refused.value.field == field and not changes.saved and len(file.periods) == 1


def test_an_earlier_period_ended_later_is_still_refused_while_the_child_is_looked_after():
    file, period = looked_after(start=date(2021, 4, 1))
    commands.leave_care(file, Changes(), period, CarePeriodEnd(end_date=date(2022, 1, 1), reason_ceased="E13"))
    with pytest.raises(InputError, match="overlaps period"):
        commands.enter_care(file, Changes(), CarePeriodStart(date_of_birth=date(2012, 5, 1), start_date=date(2021, 12, 1),
                                                             end_date=date(2022, 3, 1), reason_ceased="E13", legal_status="C2"))


# ---- 7. Codes valid on the record's date ----

@pytest.mark.parametrize("code", ["E43", "E44"])
def test_a_retired_special_guardianship_code_is_accepted_with_a_warning_for_a_period_that_ended_while_it_was_valid(code):
    file, period = looked_after(start=date(2014, 2, 1))
    changes = Changes()
    status, left = commands.leave_care(file, changes, period, CarePeriodEnd(end_date=date(2016, 3, 31), reason_ceased=code))
    assert status == 200 and left["reason_ceased"] == code
    assert left["warnings"] == [{"field": "reason_ceased", "reason": f"{code} is no longer in use (replaced by E45-E48 "
                                                                     "after 2016-03-31); accepted for a record dated 2016-03-31"}]
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert f'"reason_ceased": "{code}"' in event.data  # published, for the catalogue's special guardianship group


def test_a_retired_code_is_refused_for_a_record_dated_after_it_was_replaced_and_nothing_changes():
    file, period = looked_after(start=date(2015, 2, 1))
    changes = Changes()
    with pytest.raises(InputError, match="E43 was replaced by E45-E48 after 2016-03-31") as refused:
        commands.leave_care(file, changes, period, CarePeriodEnd(end_date=date(2016, 4, 1), reason_ceased="E43"))
    assert refused.value.field == "reason_ceased" and not changes.saved
    assert file.periods[0].end_date is None


def test_a_late_earlier_period_and_a_correction_are_held_to_the_codes_of_their_own_dates():
    file, period = looked_after(start=date(2021, 4, 1))
    _, earlier = commands.enter_care(file, Changes(), CarePeriodStart(
        date_of_birth=date(2012, 5, 1), start_date=date(2014, 2, 1), end_date=date(2015, 6, 1), reason_ceased="E44",
        legal_status="C2"))
    assert earlier["warnings"][0]["field"] == "reason_ceased"
    commands.leave_care(file, Changes(), period, CarePeriodEnd(end_date=date(2022, 1, 5), reason_ceased="E45"))
    with pytest.raises(InputError, match="a record dated 2022-01-05 uses E45-E48"):
        commands.correct_care_period(file, Changes(), period, commands.CarePeriodCorrection(record_version=2, reason_ceased="E43"))


# ---- 8. Times of a missing episode and its return home interview ----

def missing(file: ChildFile, **fields):
    return record(kinds.MISSING_EPISODES, file, Changes(), kinds.MISSING_EPISODES.new(kind="M", **fields))


def test_a_missing_episode_takes_optional_times_and_publishes_them():
    file, _ = looked_after()
    changes = Changes()
    status, stored = record(kinds.MISSING_EPISODES, file, changes, kinds.MISSING_EPISODES.new(
        kind="M", start_date=date(2022, 5, 1), end_date=date(2022, 5, 2), end_time="08:00",
        rhi_offered_date=date(2022, 5, 5), rhi_offered_time="16:00"))
    assert status == 201 and (stored["end_time"], stored["rhi_offered_time"]) == ("08:00:00", "16:00:00")
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert '"end_time": "08:00:00"' in event.data and '"start_time": null' in event.data
    # A date alone is still a whole record, as the 903 has it.
    assert missing(file, start_date=date(2022, 6, 1), end_date=date(2022, 6, 2))[0] == 201


@pytest.mark.parametrize("fields, field, reason", [
    ({"end_time": "08:00"}, "end_time", "a time needs its date"),
    ({"end_date": date(2022, 5, 2), "end_time": "09:00", "rhi_offered_date": date(2022, 5, 2), "rhi_offered_time": "08:30"},
     "rhi_offered_date", "offered after the child returned"),
    ({"end_date": date(2022, 5, 2), "rhi_offered_date": date(2022, 5, 3), "rhi_offered_time": "08:30+01:00"},
     "rhi_offered_time", "without an offset"),
])
def test_a_time_without_its_date_or_an_interview_before_the_return_is_refused(fields, field, reason):
    file, _ = looked_after()
    with pytest.raises(InputError, match=reason) as refused:
        missing(file, start_date=date(2022, 5, 1), **fields)
    assert refused.value.field == field and not file.rows(MissingEpisode)
