"""The placements rules on their own (no database): late records, corrections, overlaps."""

from datetime import date
from types import SimpleNamespace

import pytest

from backbone.errors import InputError
from placements_service import domain


def CarePeriod(**fields):  # noqa: N802  the rules read fields only: a stand-in record, no table
    return SimpleNamespace(**{"end_date": None, **fields})


PERIOD = CarePeriod(care_period_id="cp", child_id="c", start_date=date(2024, 1, 1), legal_status="C2")


def placement(pid: str, start: date, end: date | None):
    return SimpleNamespace(placement_id=pid, care_period_id="cp", child_id="c", start_date=start, end_date=end, placement_type="U4")


OTHERS = [placement("p1", date(2024, 1, 1), date(2024, 3, 1)), placement("p2", date(2024, 6, 1), None)]


def test_a_late_placement_between_two_others_slots_in():
    # 1 March (p1's move-out day) to 1 June (p2's move-in day): touching both, overlapping neither.
    domain.check_placement_record(start_date=date(2024, 3, 1), end_date=date(2024, 6, 1), period=PERIOD, others=OTHERS)


@pytest.mark.parametrize("start, end, clashing", [
    (date(2024, 2, 1), date(2024, 4, 1), "p1"),   # starts inside p1
    (date(2024, 5, 1), date(2024, 7, 1), "p2"),   # runs into p2
    (date(2024, 7, 1), None, "p2"),               # a second open placement
])
def test_an_overlap_is_refused_naming_the_placement_it_clashes_with(start, end, clashing):
    with pytest.raises(InputError, match=f"overlaps placement {clashing}"):
        domain.check_placement_record(start_date=start, end_date=end, period=PERIOD, others=OTHERS)


def test_a_placement_stays_inside_its_period_of_care():
    ended = CarePeriod(care_period_id="cp", child_id="c", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), legal_status="C2")
    with pytest.raises(InputError, match="before the period of care started"):
        domain.check_placement_record(start_date=date(2023, 12, 1), end_date=date(2024, 1, 5), period=PERIOD, others=[])
    with pytest.raises(InputError, match="must end by then"):
        domain.check_placement_record(start_date=date(2024, 12, 1), end_date=None, period=ended, others=[])
    with pytest.raises(InputError, match="before the placement started"):
        domain.check_placement_record(start_date=date(2024, 3, 1), end_date=date(2024, 2, 1), period=PERIOD, others=[])


def test_periods_of_care_include_their_end_day():
    left = [CarePeriod(care_period_id="old", child_id="c", start_date=date(2020, 1, 1), end_date=date(2023, 12, 31), legal_status="C2")]
    # Re-entering care the day after leaving is fine; on the day of leaving, it overlaps.
    domain.check_care_period_record(date_of_birth=date(2012, 1, 1), start_date=date(2024, 1, 1), end_date=None,
                                    reason_ceased=None, others=left, placements=[])
    with pytest.raises(InputError, match="overlaps period old"):
        domain.check_care_period_record(date_of_birth=date(2012, 1, 1), start_date=date(2023, 12, 31), end_date=None,
                                        reason_ceased=None, others=left, placements=[])


def test_a_corrected_period_must_hold_its_placements_and_give_a_reason_when_ended():
    with pytest.raises(InputError, match="would fall outside the period"):
        domain.check_care_period_record(date_of_birth=date(2012, 1, 1), start_date=date(2024, 2, 1), end_date=None,
                                        reason_ceased=None, others=[], placements=OTHERS)
    with pytest.raises(InputError, match="needs its reason"):
        domain.check_care_period_record(date_of_birth=date(2012, 1, 1), start_date=date(2024, 1, 1), end_date=date(2025, 1, 1),
                                        reason_ceased=None, others=[], placements=[])


def test_a_period_cannot_end_before_a_placement_in_it_has_ended():
    # The placement ran to 1 March; leaving care on 1 February would leave a month of it outside the period.
    with pytest.raises(InputError, match="ended later"):
        domain.check_care_period_end(period=PERIOD, end_date=date(2024, 2, 1),
                                     placements=[placement("p1", date(2024, 1, 1), date(2024, 3, 1))])
    domain.check_care_period_end(period=PERIOD, end_date=date(2024, 3, 1),
                                 placements=[placement("p1", date(2024, 1, 1), date(2024, 3, 1))])
