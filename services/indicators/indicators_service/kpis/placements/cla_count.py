from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CLA_AT_D

KPI = Kpi(
    id="cla_count",
    title="Children looked after",
    domain="placements",
    position=1,
    unit=Unit.COUNT,
    direction=Direction.NEITHER,
    definition="Number of children looked after on D, excluding those looked after only under an agreed series "
               "of short breaks (legal status V3/V4).",
    reference="SSDA903; ../shared/kpis.md common rules (CLA at D)",
    query=f"""
        SELECT child_id, true AS in_denominator, true AS in_numerator,
               'looked after since ' || start_date AS reason
        FROM ({CLA_AT_D}) cla
    """,
)
