from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D, TEMPORARY_PLACEMENTS, carer_runs, plural

# A placement is a continuous period with the same carers: temporary placements (T0-T4) are left out, and
# consecutive placements with the same carer (903 RNE T/U, e.g. a change of placement type with the same foster
# carer, or the return after a temporary placement) are one run (populations.carer_runs). The runs that touch
# the window count, the one current at its start included whatever the RNE of its episode then (a T/U episode
# continues a placement that began before the window): so the runs are built from every placement up to D.
CHILD_PLACEMENTS = f"""
    SELECT p.* FROM placements p JOIN cla USING (child_id)
    WHERE p.placement_type NOT IN {TEMPORARY_PLACEMENTS} AND p.start_date <= :d
"""

KPI = Kpi(
    id="placement_stability_3plus",
    title="Children with 3 or more placements in 12 months",
    domain="placements",
    position=6,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="% of children looked after on D who had 3 or more placements in the 12 months to D (the "
               "placement current at the window's start counts as one; temporary placements T0-T4 and returns "
               "to the same carer are not moves).",
    reference="National short-term placement stability measure (SSDA903)",
    query=f"""
        WITH cla AS ({CLA_AT_D}),
        runs AS ({carer_runs(CHILD_PLACEMENTS)}),
        per_child AS (
            SELECT cla.child_id, count(DISTINCT r.care_period_id || ':' || r.run) AS placements
            FROM cla LEFT JOIN runs r ON r.child_id = cla.child_id AND (r.end_date IS NULL OR r.end_date > :window_start)
            GROUP BY cla.child_id
        )
        SELECT child_id, true AS in_denominator, placements >= 3 AS in_numerator,
               {plural("placements", "placement")} || ' in the 12 months' AS reason
        FROM per_child
    """,
)
