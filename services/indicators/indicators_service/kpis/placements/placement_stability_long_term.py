from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import (ADOPTIVE_PLACEMENTS, CLA_AT_D, TEMPORARY_PLACEMENTS,
                                                 carer_runs)

# Placements of the current period of care in order; consecutive ones with the same carer are one run, one
# placement (a move to a new carer starts a new run; a temporary placement, T0-T4, with a return to the same
# carer is not a move). The run holding the placement open on D says since when the child has lived with that
# carer; for a child placed for adoption, "the placement before" the adoptive one is the run before its run
# (an adoption by the child's own foster carer continues the foster placement: the one before is the carer
# before them).

# The cohort's placements in their current period of care, up to D, temporary ones left out.
COHORT_PLACEMENTS = f"""
    SELECT p.* FROM placements p JOIN cohort c ON c.child_id = p.child_id AND c.care_period_id = p.care_period_id
    WHERE p.placement_type NOT IN {TEMPORARY_PLACEMENTS} AND p.start_date <= :d
"""

KPI = Kpi(
    id="placement_stability_long_term",
    title="Long-term placement stability",
    domain="placements",
    position=7,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Of children looked after on D, aged under 16, who have been looked after continuously for at "
               "least 2.5 years: % who have lived with the same carer for at least 2 years, or are placed for "
               "adoption (A3-A6) where the adoptive placement and the one before it together last 2 years.",
    reference="National long-term placement stability measure (SSDA903)",
    query=f"""
        WITH cla AS ({CLA_AT_D}),
        cohort AS (
            SELECT child_id, care_period_id FROM cla
            WHERE start_date <= CAST(:d AS date) - INTERVAL '30 months'
              AND date_of_birth > CAST(:d AS date) - INTERVAL '16 years'
        ),
        runs AS ({carer_runs(COHORT_PLACEMENTS)}),
        latest AS (
            SELECT DISTINCT ON (child_id) child_id, care_period_id, run, end_date, placement_type, with_carer_since
            FROM runs ORDER BY child_id, start_date DESC, placement_id DESC
        ),
        judged AS (
            SELECT c.child_id, l.placement_type, l.with_carer_since,
                   (SELECT min(r.start_date) FROM runs r
                    WHERE r.care_period_id = l.care_period_id AND r.run = l.run - 1) AS previous_start,
                   l.child_id IS NOT NULL AND (l.end_date IS NULL OR l.end_date > :d) AS placed_on_d
            FROM cohort c LEFT JOIN latest l USING (child_id)
        )
        SELECT child_id, true AS in_denominator,
               placed_on_d AND (with_carer_since <= CAST(:d AS date) - INTERVAL '2 years'
                                OR (placement_type IN {ADOPTIVE_PLACEMENTS}
                                    AND previous_start <= CAST(:d AS date) - INTERVAL '2 years')) AS in_numerator,
               CASE WHEN NOT placed_on_d THEN 'no placement recorded on D'
                    WHEN placement_type IN {ADOPTIVE_PLACEMENTS}
                         THEN 'placed for adoption; adoptive and previous placement since ' || coalesce(previous_start::text, 'the adoptive placement')
                    ELSE 'with the same carer since ' || with_carer_since END AS reason
        FROM judged
    """,
)
