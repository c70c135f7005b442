from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import SHORT_BREAKS

KPI = Kpi(
    id="cla_started_12m",
    title="Children who started to be looked after in 12 months",
    domain="placements",
    position=3,
    unit=Unit.COUNT,
    direction=Direction.NEITHER,
    definition="Children who started to be looked after in the 12 months to D, each child once (short-break "
               "periods, V3/V4, are not counted).",
    reference="SSDA903; ../shared/kpis.md (Placements)",
    query=f"""
        SELECT DISTINCT ON (child_id) child_id, true AS in_denominator, true AS in_numerator,
               'started to be looked after ' || start_date AS reason
        FROM care_periods
        WHERE start_date BETWEEN :window_start AND :d AND legal_status NOT IN {SHORT_BREAKS}
        ORDER BY child_id, start_date
    """,
)
