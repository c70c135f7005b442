from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D, PLACEMENT_ON_D

# The placement a child is in on D; its distance and inside/outside come from the placements service
# (straight line between the postcodes' grid references, 1 decimal). Unknown stays in the denominator.
KPI = Kpi(
    id="placed_outside_20_miles",
    title="Placed outside the council and more than 20 miles from home",
    domain="placements",
    position=9,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="% of children looked after on D placed outside the council's boundary and more than 20 miles from "
               "home (straight line between the home and placement postcodes' grid references, in miles to 1 "
               "decimal: exactly 20.0 is not more). Children whose distance is unknown stay in the denominator, are "
               "never in the numerator, and are counted separately (the breakdown's \"distance unknown\").",
    reference="SSDA903 placement postcodes; ONS Postcode Directory grid references",
    breakdown="distance_group",
    breakdown_of_total=True,
    query=f"""
        WITH cla AS ({CLA_AT_D}),
        placed AS ({PLACEMENT_ON_D}),
        judged AS (
            SELECT cla.child_id, p.distance_miles, p.outside_boundary,
                   CASE WHEN p.distance_miles IS NULL OR p.outside_boundary IS NULL THEN 'distance unknown'
                        WHEN p.outside_boundary AND p.distance_miles > 20.0 THEN 'outside, more than 20 miles'
                        WHEN p.outside_boundary THEN 'outside, 20 miles or less'
                        ELSE 'inside the boundary' END AS distance_group
            FROM cla LEFT JOIN placed p USING (child_id)
        )
        SELECT child_id, true AS in_denominator, distance_group = 'outside, more than 20 miles' AS in_numerator,
               CASE WHEN distance_group = 'distance unknown' THEN 'distance unknown (a postcode not recorded or not found)'
                    ELSE distance_group || ', ' || round(distance_miles::numeric, 1) || ' miles from home' END AS reason,
               distance_group
        FROM judged
    """,
)
