from indicators_service.kpis.definition import Direction, Kpi, Unit

# Where the case system recorded the time of the return and of the offer (local UK time, so a change of
# clocks in between counts as it happened), the 72 hours are counted from those times. The 903 itself records
# days, not times: with a date alone, "within 72 hours of return" is offered on or before the third day after
# the day the child returned (72 hours exactly is on time).
_RETURNED = "((end_date + end_time) AT TIME ZONE 'Europe/London')"
_OFFERED = "((rhi_offered_date + rhi_offered_time) AT TIME ZONE 'Europe/London')"
KPI = Kpi(
    id="rhi_within_72h",
    title="Return home interviews offered within 72 hours",
    domain="placements",
    position=12,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Of missing (903 MISSING = M) episodes that ended in the 12 months to D, % whose return home interview "
               "was offered within 72 hours of the return (72 hours exactly is on time): counted in hours where the "
               "times of the return and of the offer are both recorded, else by dates (on or before the third day "
               "after the return). Away-from-placement (A) episodes are outside it.",
    reference="Statutory guidance on children who run away or go missing from home or care (2014)",
    query=f"""
        SELECT child_id, true AS in_denominator,
               coalesce(CASE WHEN end_time IS NOT NULL AND rhi_offered_time IS NOT NULL
                             THEN {_OFFERED} <= {_RETURNED} + INTERVAL '72 hours'
                             ELSE rhi_offered_date <= end_date + 3 END, false) AS in_numerator,
               CASE WHEN rhi_offered_date IS NULL THEN 'returned ' || end_date || ', no interview offered'
                    WHEN end_time IS NOT NULL AND rhi_offered_time IS NOT NULL
                    THEN 'returned ' || end_date || ' ' || to_char(end_time, 'HH24:MI') || ', interview offered ' ||
                         rhi_offered_date || ' ' || to_char(rhi_offered_time, 'HH24:MI') || ' (' ||
                         round(extract(epoch FROM {_OFFERED} - {_RETURNED}) / 3600, 1) || ' hours later)'
                    ELSE 'returned ' || end_date || ', interview offered ' || rhi_offered_date ||
                         ' (' || (rhi_offered_date - end_date) || ' days later)' END AS reason
        FROM missing_episodes
        WHERE kind = 'M' AND end_date BETWEEN :window_start AND :d
    """,
)
