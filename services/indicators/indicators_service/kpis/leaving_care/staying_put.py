from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CARE_LEAVERS_AT_D, birthday

# Foster placements (903 PLACE U1-U6: with connected persons or other foster carers).
FOSTER_PLACEMENTS = "('U1', 'U2', 'U3', 'U4', 'U5', 'U6')"

# The figure is the share of those fostered the day before their 18th birthday; the count the board reads,
# every former relevant 18-20-year-old staying put, is the ``staying_put`` tally (one staying put whose
# placement records do not show foster care that day is reported separately, not lost).
KPI = Kpi(
    id="staying_put",
    title="Staying put with former foster carers after 18",
    domain="leaving-care",
    position=6,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Former relevant young people aged 18-20 on D with a staying-put arrangement open on D (start ≤ D "
               "< end): their number, and their % of those who were in a foster placement (903 PLACE U1-U6) the "
               "day before their 18th birthday. By age on D.",
    reference="Children and Families Act 2014 s.98 (staying put); SSDA903 OC3",
    breakdown="age_band",
    separately="staying put, but not in a foster placement the day before their 18th birthday as recorded",
    tallies=("staying_put",),
    query=f"""
        WITH leavers AS ({CARE_LEAVERS_AT_D}),
        people AS (
            SELECT l.child_id, l.who, l.age_band,
                   EXISTS (SELECT 1 FROM placements pl
                           WHERE pl.child_id = l.child_id AND pl.placement_type IN {FOSTER_PLACEMENTS}
                             AND pl.start_date < {birthday(18, "l.date_of_birth")}
                             AND (pl.end_date IS NULL OR pl.end_date >= {birthday(18, "l.date_of_birth")})) AS fostered,
                   (SELECT min(s.start_date) FROM staying_put_arrangements s
                    WHERE s.child_id = l.child_id AND s.start_date <= :d AND (s.end_date IS NULL OR s.end_date > :d))
                       AS staying_since
            FROM leavers l
            WHERE l.category = 'former_relevant' AND l.age BETWEEN 18 AND 20
        )
        SELECT child_id, fostered AS in_denominator, staying_since IS NOT NULL AS in_numerator,
               who || '; ' || CASE WHEN fostered THEN 'fostered' ELSE 'not in a foster placement' END
                   || ' the day before their 18th birthday; '
                   || coalesce('staying put since ' || staying_since, 'not staying put') AS reason,
               age_band, staying_since IS NOT NULL AS staying_put
        FROM people
        WHERE fostered OR staying_since IS NOT NULL
    """,
)
