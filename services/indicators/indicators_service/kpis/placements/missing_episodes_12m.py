from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import SHORT_BREAKS

# One row per episode that started in the window while the child was looked after: the figure counts the
# missing (M) ones; the breakdown counts each kind, away (A) included.
KPI = Kpi(
    id="missing_episodes_12m",
    title="Missing and away episodes in 12 months",
    domain="placements",
    position=11,
    unit=Unit.COUNT,
    direction=Direction.LOWER_IS_BETTER,
    definition="Number of missing (903 MISSING = M) episodes of looked-after children that started in the 12 "
               "months to D; away-from-placement (A) episodes are counted separately (the breakdown).",
    reference="SSDA903 missing table",
    breakdown="kind",
    breakdown_of_total=True,
    query=f"""
        SELECT e.child_id, true AS in_denominator, e.kind = 'M' AS in_numerator,
               CASE e.kind WHEN 'M' THEN 'missing' ELSE 'away' END || ' from ' || e.start_date ||
               coalesce(' to ' || e.end_date, ', not returned') AS reason,
               CASE e.kind WHEN 'M' THEN 'missing' ELSE 'away' END AS kind
        FROM missing_episodes e
        WHERE e.start_date BETWEEN :window_start AND :d
          AND EXISTS (SELECT 1 FROM care_periods p WHERE p.child_id = e.child_id AND p.legal_status NOT IN {SHORT_BREAKS}
                        AND p.start_date <= e.start_date AND (p.end_date IS NULL OR e.start_date < p.end_date))
    """,
)
