"""Distance from home and inside/outside the boundary, from postcodes (../shared/kpis.md)."""

import pytest

from placements_service.geography import Geography, Place, Postcodes, distance_miles

# A council's own lookup file, the same shape as the ONS data: grid references in metres.
LOOKUP = """pcd,oseast1m,osnrth1m,laua
HD1 1AA,400000,400000,E08000034
HD9 9ZZ,400000,432186,E08000034
LS1 1AA,400000,432187,E08000035
BD1 1AA,400000,432300,E08000032
XX1 1XX,,,E08000099
"""


@pytest.fixture
def council(tmp_path):
    (tmp_path / "postcodes.csv").write_text(LOOKUP)
    return Geography(Postcodes(tmp_path / "postcodes.csv"), council="E08000034")


def test_the_distance_is_the_straight_line_between_grid_references_in_miles_to_one_decimal():
    # 3 km east and 4 km north: 5,000 m / 1,609.3 = 3.107 miles -> 3.1
    assert distance_miles(Place(0, 0, "x"), Place(3000, 4000, "x")) == 3.1


def test_exactly_twenty_miles_and_just_over(council):
    # 32,186 m / 1,609.3 = 20.0000 miles; 32,187 m = 20.0006, still 20.0 to 1 decimal; 32,300 m = 20.07 -> 20.1
    assert council.placed("HD1 1AA", "HD9 9ZZ") == (20.0, False)
    assert council.placed("hd11aa", "LS1 1AA") == (20.0, True)  # any case, any spacing
    assert council.placed("HD1 1AA", "BD1 1AA") == (20.1, True)


def test_an_unknown_postcode_gives_an_unknown_distance_never_zero(council):
    assert council.placed("HD1 1AA", "ZZ9 9ZZ") == (None, None)
    assert council.placed("ZZ9 9ZZ", "LS1 1AA") == (None, True)  # the placement's authority is still known
    assert council.placed(None, "HD9 9ZZ") == (None, False)
    assert council.placed("HD1 1AA", "XX1 1XX") == (None, None)  # a postcode without a grid reference


def test_the_packaged_ons_data_places_a_kirklees_postcode_in_kirklees():
    ons = Geography(Postcodes(), council="E08000034")
    distance, outside = ons.placed("HD1 2TG", "HD1 2TG")
    assert (distance, outside) == (0.0, False)
    assert Postcodes().locate("HD1 2TG").local_authority == "E08000034"
