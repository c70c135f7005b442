from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CEASED_IN_WINDOW

# The same children as cla_ceased_12m: the adopted ones (E11, E12) over all of them.
KPI = Kpi(
    id="adopted_pct_of_ceased",
    title="Children adopted, of those who ceased to be looked after",
    domain="placements",
    position=5,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of children who ceased to be looked after in the 12 months to D who were adopted (903 REC "
               "E11 or E12).",
    reference="SSDA903 REC; DfE children looked after statistics",
    query=f"""
        SELECT child_id, true AS in_denominator, reason_group = 'adopted' AS in_numerator,
               'ceased ' || end_date || ' (' || coalesce(reason_ceased, 'no reason') || ')' AS reason
        FROM ({CEASED_IN_WINDOW}) ceased
    """,
)
