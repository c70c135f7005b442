from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CEASED_IN_WINDOW

KPI = Kpi(
    id="cla_ceased_12m",
    title="Children who ceased to be looked after in 12 months",
    domain="placements",
    position=4,
    unit=Unit.COUNT,
    direction=Direction.NEITHER,
    definition="Children who ceased to be looked after in the 12 months to D, each child once, by 903 reason: "
               "adopted E11/E12; special guardianship E43-E48; child arrangements order E41; returned home "
               "E4A/E4B; living with relatives E13; independent living E5/E6; other.",
    reference="SSDA903 REC; ../shared/kpis.md (Placements)",
    breakdown="reason_group",
    query=f"""
        SELECT child_id, true AS in_denominator, true AS in_numerator,
               'ceased ' || end_date || ' (' || coalesce(reason_ceased, 'no reason') || ')' AS reason, reason_group
        FROM ({CEASED_IN_WINDOW}) ceased
    """,
)
