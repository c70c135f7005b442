from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D, plural

# A change is an allocation starting in the window that follows another allocation of the child with a
# different worker (the child's first allocation is not a change; a return to the same worker is not one).
KPI = Kpi(
    id="social_worker_changes_12m",
    title="Children with 2 or more changes of social worker in 12 months",
    domain="placements",
    position=13,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="% of children looked after on D who had 2 or more changes of allocated social worker in the 12 "
               "months to D (a change: an allocation starting in the window after one with a different worker).",
    reference="SSDA903 social worker episodes; the board report's social worker stability",
    query=f"""
        WITH cla AS ({CLA_AT_D}),
        allocations AS (
            SELECT a.child_id, a.start_date,
                   lag(a.worker_id) OVER (PARTITION BY a.child_id ORDER BY a.start_date, a.allocation_id) AS previous_worker,
                   a.worker_id
            FROM social_worker_allocations a JOIN cla USING (child_id)
            WHERE a.start_date <= :d
        ),
        changes AS (
            SELECT child_id, count(*) AS changes FROM allocations
            WHERE start_date >= :window_start AND previous_worker IS NOT NULL AND previous_worker <> worker_id
            GROUP BY child_id
        )
        SELECT cla.child_id, true AS in_denominator, coalesce(c.changes, 0) >= 2 AS in_numerator,
               {plural("coalesce(c.changes, 0)", "change")} || ' of social worker in the 12 months' AS reason
        FROM cla LEFT JOIN changes c USING (child_id)
    """,
)
