from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D, TEMPORARY_PLACEMENTS, plural, same_carer

# A placement is a continuous period with the same carers: temporary placements (T0-T4) are left out, and
# consecutive placements with the same carer (903 RNE T/U, e.g. a change of placement type with the same foster
# carer, or the return after a temporary placement) are one. Only
# placements that touch the window count, the one current at its start included; merging with a same-carer
# placement that ended before the window gives the same count, so those are not read at all.
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
        in_window AS (
            SELECT p.child_id, CASE WHEN {same_carer("p", "w")} THEN 0 ELSE 1 END AS new_carer
            FROM placements p JOIN cla USING (child_id)
            WHERE p.placement_type NOT IN {TEMPORARY_PLACEMENTS}
              AND p.start_date <= :d AND (p.end_date IS NULL OR p.end_date > :window_start)
            WINDOW w AS (PARTITION BY p.child_id ORDER BY p.start_date, p.placement_id)
        ),
        per_child AS (
            SELECT cla.child_id, coalesce(sum(w.new_carer), 0) AS placements
            FROM cla LEFT JOIN in_window w USING (child_id)
            GROUP BY cla.child_id
        )
        SELECT child_id, true AS in_denominator, placements >= 3 AS in_numerator,
               {plural("placements", "placement")} || ' in the 12 months' AS reason
        FROM per_child
    """,
)
