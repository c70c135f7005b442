from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import SHORT_BREAKS

# Children looked after at any time in the window (a period of care, not short breaks, that overlaps it: looked
# after on a day d means start <= d < end, so a period that ended on the window's first day is not in it) and
# the missing (M) and away (A) episodes that overlap the window; a child is in one group: missing if they had
# any M episode, away only, or neither.
KPI = Kpi(
    id="missing_children_12m",
    title="Children who went missing in 12 months",
    domain="placements",
    position=10,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="Of children looked after at any time in the 12 months to D, % who had a missing (903 MISSING = M) "
               "episode in them; children who were only away from placement without authorisation (A) are "
               "counted separately (the breakdown's \"away only\").",
    reference="SSDA903 missing table; statutory guidance on children who run away or go missing from care",
    breakdown="missing_group",
    breakdown_of_total=True,
    query=f"""
        WITH looked_after AS (
            SELECT DISTINCT child_id FROM care_periods
            WHERE start_date <= :d AND (end_date IS NULL OR end_date > :window_start)
              AND legal_status NOT IN {SHORT_BREAKS}
        ),
        episodes AS (
            SELECT child_id, count(*) FILTER (WHERE kind = 'M') AS missing, count(*) FILTER (WHERE kind = 'A') AS away
            FROM missing_episodes
            WHERE start_date <= :d AND (end_date IS NULL OR end_date >= :window_start)
            GROUP BY child_id
        )
        SELECT l.child_id, true AS in_denominator, coalesce(e.missing, 0) > 0 AS in_numerator,
               CASE WHEN e.child_id IS NULL THEN 'no missing or away episode in the 12 months'
                    ELSE e.missing || ' missing, ' || e.away || ' away in the 12 months' END AS reason,
               CASE WHEN coalesce(e.missing, 0) > 0 THEN 'missing'
                    WHEN coalesce(e.away, 0) > 0 THEN 'away only' ELSE 'neither' END AS missing_group
        FROM looked_after l LEFT JOIN episodes e USING (child_id)
    """,
)
