"""The case system's other records of a child (child_records.py), through the shared record/correct/withdraw
commands (backbone.record_kinds), on a file in memory: the rules and what is published."""

from datetime import date

import pytest

from backbone.corrections import Change
from backbone.errors import InputError
from backbone.record_kinds import correct, record, withdraw_one as withdraw
from backbone.writes import Changes
from placements_service import child_records as kinds
from placements_service import commands
from placements_service.commands import PLACEMENTS, CarePeriodStart
from placements_service.records import RECORDS, ChildFile


def looked_after(start=date(2024, 1, 10), born=date(2012, 5, 1)) -> tuple[ChildFile, str]:
    file = RECORDS.file_of("C1")
    _, period = commands.enter_care(file, Changes(), CarePeriodStart(date_of_birth=born, start_date=start, legal_status="C2"))
    return file, period["care_period_id"]


def test_a_record_is_published_as_stored_dated_by_its_own_date_and_its_withdrawal_too():
    file, _ = looked_after()
    changes = Changes()
    status, review = record(kinds.REVIEWS, file, changes, kinds.REVIEWS.new(review_date=date(2024, 2, 1), participation="PN1"))
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert status == 201 and event.event_type == "uk.cla.placements.review-held.v1"
    assert '"effective_date": "2024-02-01"' in event.data and "withdrawn" not in event.data
    changes = Changes()
    withdraw(kinds.REVIEWS, file, changes, review["review_id"], Change(record_version=1))
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert '"withdrawn": true' in event.data and '"record_version": 2' in event.data


def test_records_of_a_child_not_looked_after_on_their_date_are_refused():
    file, _ = looked_after()
    with pytest.raises(InputError, match="not looked after on 2024-01-09") as refused:
        record(kinds.VISITS, file, Changes(), kinds.VISITS.new(visit_date=date(2024, 1, 9)))
    assert refused.value.field == "visit_date"
    with pytest.raises(InputError, match="unknown child"):
        record(kinds.REVIEWS, RECORDS.file_of("C2"), Changes(), kinds.REVIEWS.new(review_date=date(2024, 2, 1)))


def test_two_reviews_on_one_day_are_refused_naming_the_first():
    file, _ = looked_after()
    _, first = record(kinds.REVIEWS, file, Changes(), kinds.REVIEWS.new(review_date=date(2024, 2, 1)))
    with pytest.raises(InputError, match=first["review_id"]):
        record(kinds.REVIEWS, file, Changes(), kinds.REVIEWS.new(review_date=date(2024, 2, 1)))


def test_a_legal_status_change_falls_inside_its_period_after_the_day_it_started():
    file, period = looked_after()
    for day in (date(2024, 1, 10), date(2024, 1, 1)):
        with pytest.raises(InputError, match="not inside period"):
            record(kinds.LEGAL_STATUSES, file, Changes(),
                   kinds.LEGAL_STATUSES.new(care_period_id=period, start_date=day, legal_status="E1"))
    _, change = record(kinds.LEGAL_STATUSES, file, Changes(),
                       kinds.LEGAL_STATUSES.new(care_period_id=period, start_date=date(2024, 3, 1), legal_status="E1"))
    # A correction is checked against the whole record: its period included, though it cannot be corrected.
    with pytest.raises(InputError, match="not inside period"):
        correct(kinds.LEGAL_STATUSES, file, Changes(), change["change_id"],
                kinds.LEGAL_STATUSES.correction(record_version=1, start_date=date(2023, 12, 1)))


def test_no_conviction_or_caution_before_the_age_of_criminal_responsibility():
    file, _ = looked_after(born=date(2012, 5, 1))
    with pytest.raises(InputError, match="under 10"):
        record(kinds.CONVICTIONS, file, Changes(), kinds.CONVICTIONS.new(outcome_date=date(2022, 4, 30), outcome="conviction"))
    status, _ = record(kinds.CONVICTIONS, file, Changes(),
                       kinds.CONVICTIONS.new(outcome_date=date(2022, 5, 1), outcome="youth_caution"))
    assert status == 201


def test_adoption_milestones_are_one_record_per_period_in_order_and_within_it():
    file, period = looked_after()
    with pytest.raises(InputError, match="at least one milestone"):
        record(kinds.ADOPTIONS, file, Changes(), kinds.ADOPTIONS.new(care_period_id=period))
    _, adoption = record(kinds.ADOPTIONS, file, Changes(),
                         kinds.ADOPTIONS.new(care_period_id=period, decision_date=date(2024, 3, 1)))
    with pytest.raises(InputError, match="already recorded for this period"):
        record(kinds.ADOPTIONS, file, Changes(), kinds.ADOPTIONS.new(care_period_id=period, match_date=date(2024, 5, 1)))
    with pytest.raises(InputError, match="before the match") as refused:
        correct(kinds.ADOPTIONS, file, Changes(), adoption["adoption_id"],
                kinds.ADOPTIONS.correction(record_version=1, match_date=date(2024, 6, 1), placed_date=date(2024, 5, 1)))
    assert refused.value.field == "placed_date"
    with pytest.raises(InputError, match="outside period"):
        correct(kinds.ADOPTIONS, file, Changes(), adoption["adoption_id"],
                kinds.ADOPTIONS.correction(record_version=1, placement_order_date=date(2023, 6, 1)))
    _, matched = correct(kinds.ADOPTIONS, file, Changes(), adoption["adoption_id"],
                         kinds.ADOPTIONS.correction(record_version=1, match_date=date(2024, 6, 1)))
    assert (matched["decision_date"], matched["match_date"], matched["record_version"]) == ("2024-03-01", "2024-06-01", 2)


def test_a_period_with_a_legal_status_change_is_not_withdrawn_before_it():
    file, period = looked_after()
    _, change = record(kinds.LEGAL_STATUSES, file, Changes(),
                       kinds.LEGAL_STATUSES.new(care_period_id=period, start_date=date(2024, 3, 1), legal_status="V3"))
    with pytest.raises(InputError, match=change["change_id"]):
        commands.withdraw_care_period(file, Changes(), period, Change(record_version=1))


def test_a_period_ends_or_is_corrected_only_while_it_still_holds_its_records():
    file, period = looked_after()
    _, change = record(kinds.LEGAL_STATUSES, file, Changes(),
                       kinds.LEGAL_STATUSES.new(care_period_id=period, start_date=date(2024, 3, 1), legal_status="E1"))
    with pytest.raises(InputError, match=change["change_id"]):
        commands.leave_care(file, Changes(), period, commands.CarePeriodEnd(end_date=date(2024, 3, 1), reason_ceased="E13"))
    _, review = record(kinds.REVIEWS, file, Changes(), kinds.REVIEWS.new(review_date=date(2024, 4, 1)))
    with pytest.raises(InputError, match=review["review_id"]):
        commands.correct_care_period(file, Changes(), period,
                                     commands.CarePeriodCorrection(record_version=1, end_date=date(2024, 3, 15),
                                                                   reason_ceased="E13"))
    status, _ = commands.leave_care(file, Changes(), period, commands.CarePeriodEnd(end_date=date(2024, 4, 1),
                                                                                   reason_ceased="E13"))
    assert status == 200  # the review on the last day is still inside


def test_a_corrected_date_of_birth_cannot_put_a_conviction_before_the_age_of_10():
    file, _ = looked_after(born=date(2012, 5, 1))
    _, conviction = record(kinds.CONVICTIONS, file, Changes(),
                           kinds.CONVICTIONS.new(outcome_date=date(2023, 1, 1), outcome="conviction"))
    with pytest.raises(InputError, match=conviction["conviction_id"]):
        commands.correct_child(file, Changes(), commands.ChildCorrection(record_version=1, date_of_birth=date(2013, 6, 1)))


def test_same_carer_reasons_cannot_name_another_carer():
    file, _ = looked_after()
    record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U6",
                                                       carer_id="A", reason_new_episode="S"))
    with pytest.raises(InputError, match="different carer_id") as refused:
        record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 5, 1), placement_type="A6",
                                                           carer_id="B", reason_new_episode="T"))
    assert refused.value.field == "reason_new_episode"
    status, _ = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(
        start_date=date(2024, 5, 1), placement_type="A6", carer_id="A", reason_new_episode="T"))
    assert status == 201


def test_a_file_loaded_without_a_table_refuses_to_pretend_it_is_empty():
    from placements_service.records import CarePeriod

    file = ChildFile("C1", tables={CarePeriod: []})  # as a write marked @reads(CarePeriod) loads it
    with pytest.raises(LookupError, match="Review rows were not loaded"):
        file.rows(kinds.Review)
    assert kinds.REVIEWS.operations[0].handler.reads == (*kinds.PERIODS, kinds.Review)
