from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D, PLACEMENT_ON_D

# The catalogue's placement groups from 903 PLACE and PLACE_PROVIDER; they partition CLA at D. A child with
# no placement recorded on D is in "other" (and the drill-down says so).
PLACEMENT_GROUP = """
    CASE WHEN pl.placement_type IN ('U1', 'U2', 'U3') THEN 'connected persons'
         WHEN pl.placement_type IN ('U4', 'U5', 'U6') AND pl.provider = 'PR1' THEN 'in-house foster care'
         WHEN pl.placement_type IN ('U4', 'U5', 'U6') AND pl.provider IN ('PR4', 'PR5') THEN 'agency foster care'
         WHEN pl.placement_type IN ('U4', 'U5', 'U6') AND pl.provider IN ('PR2', 'PR3') THEN 'other public foster care'
         WHEN pl.placement_type IN ('K1', 'K2', 'R1', 'R2', 'R5', 'S1') THEN 'residential'
         WHEN pl.placement_type IN ('A3', 'A4', 'A5', 'A6') THEN 'placed for adoption'
         WHEN pl.placement_type = 'P1' THEN 'with parents'
         WHEN pl.placement_type IN ('H5', 'P2', 'P3') THEN 'independent and semi-independent living'
         ELSE 'other' END"""

KPI = Kpi(
    id="placement_type_mix",
    title="Placement type mix (residential share)",
    domain="placements",
    position=8,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="% of children looked after on D by placement group, from 903 PLACE and PLACE_PROVIDER: connected "
               "persons (U1-U3); in-house foster care (U4-U6, PR1); agency foster care (U4-U6, PR4/PR5); other "
               "public foster care (U4-U6, PR2/PR3); residential (K1, K2, R1, R2, R5, S1); placed for adoption "
               "(A3-A6); with parents (P1); independent and semi-independent living (H5, P2, P3); other (every other "
               "code, and no placement recorded on D). Each group's share of all children looked after on D is the "
               "breakdown; the headline is the residential share, the one the board compares.",
    reference="SSDA903 PLACE and PLACE_PROVIDER code lists",
    breakdown="placement_group",
    breakdown_of_total=True,
    query=f"""
        WITH cla AS ({CLA_AT_D}),
        placed AS ({PLACEMENT_ON_D}),
        grouped AS (
            SELECT cla.child_id, pl.placement_type, pl.provider, {PLACEMENT_GROUP} AS placement_group
            FROM cla LEFT JOIN placed pl USING (child_id)
        )
        SELECT child_id, true AS in_denominator, placement_group = 'residential' AS in_numerator,
               CASE WHEN placement_type IS NULL THEN 'no placement recorded on D'
                    ELSE placement_group || ' (' || placement_type || coalesce(', ' || provider, '') || ')' END AS reason,
               placement_group
        FROM grouped
    """,
)
