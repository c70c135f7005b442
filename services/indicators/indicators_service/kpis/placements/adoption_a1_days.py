from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import ADOPTED_IN_3_YEARS

# The scorecard's A1 threshold: 14 months (426 days) from entering care to moving in with the adoptive family.
A1_THRESHOLD_DAYS = 426

KPI = Kpi(
    id="adoption_a1_days",
    title="Adoption: days from entering care to moving in with the adoptive family (A1)",
    domain="placements",
    position=17,
    unit=Unit.MEAN_DAYS,
    direction=Direction.LOWER_IS_BETTER,
    definition="Mean days, over children adopted in the 3 years to D, from entering care to moving in with "
               "the adoptive family: the start of the adoptive placement (A3-A6) or, where the child was adopted "
               "by their own foster carer, the start of the placement with that carer. Within the threshold: "
               f"{A1_THRESHOLD_DAYS} days (14 months).",
    reference="Adoption Scorecard A1",
    separately="adopted with no adoptive placement (A3-A6) recorded",
    query=f"""
        SELECT child_id, moved_in IS NOT NULL AS in_denominator,
               coalesce(moved_in - entered <= {A1_THRESHOLD_DAYS}, false) AS in_numerator,
               CASE WHEN moved_in IS NULL THEN 'adopted ' || adopted_on || ', no adoptive placement (A3-A6) recorded'
                    ELSE 'entered care ' || entered || ', moved in with ' ||
                         CASE WHEN moved_in < placed_on THEN 'their foster carer, who adopted them, '
                              ELSE 'the adoptive family ' END || moved_in || ': ' || (moved_in - entered) || ' days'
               END AS reason,
               moved_in - entered AS days
        FROM ({ADOPTED_IN_3_YEARS}) adopted
    """,
)
