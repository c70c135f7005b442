from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import ADOPTED_IN_3_YEARS

# The scorecard's A2 threshold: 4 months (121 days) from the placement order to the match.
A2_THRESHOLD_DAYS = 121

KPI = Kpi(
    id="adoption_a2_days",
    title="Adoption: days from placement order to match (A2)",
    domain="placements",
    position=18,
    unit=Unit.MEAN_DAYS,
    direction=Direction.LOWER_IS_BETTER,
    definition="Mean days, over children adopted in the 3 years to D, from the placement order to the decision "
               "that the child should be placed with the adopters (the match); a match before the order counts "
               f"as 0. Within the threshold: {A2_THRESHOLD_DAYS} days (4 months).",
    reference="Adoption Scorecard A2",
    separately="adopted with no placement order or match date recorded",
    query=f"""
        SELECT a.child_id, ad.placement_order_date IS NOT NULL AND ad.match_date IS NOT NULL AS in_denominator,
               coalesce(greatest(ad.match_date - ad.placement_order_date, 0) <= {A2_THRESHOLD_DAYS}, false) AS in_numerator,
               CASE WHEN ad.placement_order_date IS NULL OR ad.match_date IS NULL
                         THEN 'adopted ' || a.adopted_on || ', placement order or match not recorded'
                    ELSE 'placement order ' || ad.placement_order_date || ', matched ' || ad.match_date || ': ' ||
                         greatest(ad.match_date - ad.placement_order_date, 0) || ' days'
               END AS reason,
               greatest(ad.match_date - ad.placement_order_date, 0) AS days
        FROM ({ADOPTED_IN_3_YEARS}) a
        LEFT JOIN adoptions ad ON ad.care_period_id = a.care_period_id
    """,
)
