"""The placements commands on a child's file in memory (no database): what each changes and publishes."""

from datetime import date

import pytest

from backbone.corrections import Change
from backbone.errors import Conflict, InputError
from backbone.writes import Changes
from backbone.record_kinds import correct, record, withdraw_one
from placements_service import commands
from placements_service.commands import PLACEMENTS, CarePeriodStart
from placements_service.records import RECORDS, ChildFile


def entered(file: ChildFile, day=date(2024, 1, 10)) -> Changes:
    changes = Changes()
    commands.enter_care(file, changes, CarePeriodStart(date_of_birth=date(2014, 5, 1), start_date=day, legal_status="C2"))
    return changes


def test_a_new_child_entering_care_saves_the_child_and_the_period_and_publishes_the_period():
    file = RECORDS.file_of("C1")
    changes = entered(file)
    assert [type(r).__name__ for r in changes.saved.values()] == ["Child", "CarePeriod"]
    assert changes.events == 1
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert (event.event_type, event.subject) == ("uk.cla.placements.child-entered-care.v1", "C1")


def test_a_move_ends_the_current_placement_on_the_day_of_the_move_with_a_new_version():
    file = RECORDS.file_of("C1")
    entered(file)
    record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U1", carer_id="A"))
    changes = Changes()
    status, moved_to = record(PLACEMENTS, file, changes, PLACEMENTS.new(start_date=date(2024, 3, 1),
                                                                              placement_type="U4", carer_id="B"))
    first = file.placements[0]
    assert status == 201 and moved_to["start_date"] == "2024-03-01"
    assert (first.end_date, first.record_version) == (date(2024, 3, 1), 2)
    assert changes.events == 2  # the ended placement's new state, and the new one


def test_a_second_period_while_one_is_open_is_refused_and_changes_nothing():
    file = RECORDS.file_of("C1")
    entered(file)
    changes = Changes()
    with pytest.raises(InputError, match="already looked after"):
        commands.enter_care(file, changes, CarePeriodStart(date_of_birth=date(2014, 5, 1), start_date=date(2024, 2, 1),
                                                           legal_status="C2"))
    assert not changes.saved and not changes.appended


def test_a_correction_against_an_old_version_is_a_conflict_naming_the_current_one():
    file = RECORDS.file_of("C1")
    entered(file)
    _, placement = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U1"))
    correct(PLACEMENTS, file, Changes(), placement["placement_id"], PLACEMENTS.correction(record_version=1, placement_type="U4"))
    with pytest.raises(Conflict, match="version 2, not 1"):
        correct(PLACEMENTS, file, Changes(), placement["placement_id"], PLACEMENTS.correction(record_version=1, provider="PR1"))


def test_a_withdrawn_placement_is_published_as_withdrawn_and_leaves_the_childs_record():
    file = RECORDS.file_of("C1")
    entered(file)
    _, placement = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U1"))
    changes = Changes()
    withdraw_one(PLACEMENTS, file, changes, placement["placement_id"], Change(record_version=1))
    assert '"withdrawn": true' in changes.appended[0].data
    assert commands.child_record(file)["placements"] == []


def test_a_corrected_placement_postcode_moves_the_distance_with_it(tmp_path):
    from placements_service import geography

    (tmp_path / "postcodes.csv").write_text("pcd,oseast1m,osnrth1m,laua\nHD1 1AA,400000,400000,E08000034\n"
                                            "LS1 1AA,400000,422372,E08000035\nM1 1AA,380000,400000,E08000003\n")
    geography.configure(tmp_path / "postcodes.csv", "E08000034")
    try:
        file = RECORDS.file_of("C1")
        entered(file)
        _, placement = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(
            start_date=date(2024, 1, 10), placement_type="U4", home_postcode="HD1 1AA", placement_postcode="LS1 1AA"))
        assert (placement["distance_miles"], placement["outside_boundary"]) == (13.9, True)  # 22,372 m
        changes = Changes()
        _, corrected = correct(PLACEMENTS, file, changes, placement["placement_id"],
                                                  PLACEMENTS.correction(record_version=1, placement_postcode="m1 1aa"))
        assert (corrected["placement_postcode"], corrected["distance_miles"]) == ("M1 1AA", 12.4)  # 20,000 m
        assert '"distance_miles": 12.4' in changes.appended[0].data and "M1 1AA" not in changes.appended[0].data
    finally:
        geography.configure(None, None)


def test_a_return_home_interview_comes_after_the_return():
    from placements_service.child_records import MISSING_EPISODES

    file = RECORDS.file_of("C1")
    entered(file)
    _, episode = record(MISSING_EPISODES, file, Changes(), MISSING_EPISODES.new(kind="M", start_date=date(2024, 2, 1)))
    with pytest.raises(InputError, match="offered after the child returned"):
        correct(MISSING_EPISODES, file, Changes(), episode["episode_id"],
                                         MISSING_EPISODES.correction(record_version=1, rhi_offered_date=date(2024, 2, 3)))
    _, returned = correct(MISSING_EPISODES, file, Changes(), episode["episode_id"], MISSING_EPISODES.correction(
        record_version=1, end_date=date(2024, 2, 2), rhi_offered_date=date(2024, 2, 3), rhi_held_date=date(2024, 2, 4)))
    assert (returned["end_date"], returned["record_version"]) == ("2024-02-02", 2)
    with pytest.raises(InputError, match="was not looked after"):
        record(MISSING_EPISODES, file, Changes(), MISSING_EPISODES.new(kind="A", start_date=date(2023, 12, 1)))


def test_the_childs_details_are_kept_unpublished_and_corrected_without_republishing_their_periods():
    from placements_service.commands import ChildCorrection

    file = RECORDS.file_of("C1")
    changes = Changes()
    commands.enter_care(file, changes, CarePeriodStart(date_of_birth=date(2008, 5, 1), start_date=date(2024, 1, 10),
                                                       legal_status="C2", category_of_need="N1", sex="1",
                                                       ethnicity="AOTH", uasc=True))
    (event,) = [row for row in changes.appended if row.TABLE == "outbox"]
    assert '"category_of_need": "N1"' in event.data and "AOTH" not in event.data and "uasc" not in event.data
    # A later period naming a different sex: refused, the child's record is corrected instead.
    commands.leave_care(file, Changes(), file.periods[0].care_period_id, commands.CarePeriodEnd(end_date=date(2024, 2, 1),
                                                                                               reason_ceased="E13"))
    with pytest.raises(InputError, match="correct it with PATCH") as refused:
        commands.enter_care(file, Changes(), CarePeriodStart(date_of_birth=date(2008, 5, 1), start_date=date(2024, 3, 1),
                                                             legal_status="C2", sex="2"))
    assert refused.value.field == "sex"
    with pytest.raises(InputError, match="only an unaccompanied") as refused:
        commands.correct_child(file, Changes(), ChildCorrection(record_version=1, uasc=False,
                                                                uasc_ceased_date=date(2024, 5, 1)))
    changes = Changes()
    _, child = commands.correct_child(file, changes, ChildCorrection(record_version=1, uasc_ceased_date=date(2024, 5, 1)))
    assert (child["uasc"], child["uasc_ceased_date"], child["sex"], child["record_version"]) == (True, "2024-05-01", "1", 2)
    assert changes.events == 0  # nothing about it is published; the date of birth did not change


def test_the_same_placement_sent_again_is_refused_naming_it_and_changes_nothing():
    file = RECORDS.file_of("C1")
    entered(file)
    _, first = record(PLACEMENTS, file, Changes(), PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U4",
                                                                  carer_id="CARER-7"))
    changes = Changes()
    with pytest.raises(Conflict, match=first["placement_id"]) as refused:
        record(PLACEMENTS, file, changes, PLACEMENTS.new(start_date=date(2024, 1, 10), placement_type="U4",
                                                         carer_id="CARER-7"))
    assert refused.value.field == "start_date" and not changes.saved and not changes.appended
    assert len(file.placements) == 1 and file.placements[0].end_date is None
