from indicators_service.kpis.definition import Direction, Kpi, Unit

# The 903 records days, not times: "within 72 hours of return" is offered on or before the third day after
# the day the child returned (72 hours exactly is on time).
KPI = Kpi(
    id="rhi_within_72h",
    title="Return home interviews offered within 72 hours",
    domain="placements",
    position=12,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Of missing (903 MISSING = M) episodes that ended in the 12 months to D, % whose return home interview "
               "was offered within 72 hours of the return (dates: on or before the third day after it; 72 hours "
               "exactly is on time). Away-from-placement (A) episodes are outside it.",
    reference="Statutory guidance on children who run away or go missing from home or care (2014)",
    query="""
        SELECT child_id, true AS in_denominator,
               coalesce(rhi_offered_date <= end_date + 3, false) AS in_numerator,
               CASE WHEN rhi_offered_date IS NULL THEN 'returned ' || end_date || ', no interview offered'
                    ELSE 'returned ' || end_date || ', interview offered ' || rhi_offered_date ||
                         ' (' || (rhi_offered_date - end_date) || ' days later)' END AS reason
        FROM missing_episodes
        WHERE kind = 'M' AND end_date BETWEEN :window_start AND :d
    """,
)
