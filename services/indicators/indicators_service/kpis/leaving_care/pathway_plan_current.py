from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CARE_LEAVERS_AT_D, latest_record

KPI = Kpi(
    id="pathway_plan_current",
    title="Care leavers with a current pathway plan",
    domain="leaving-care",
    position=5,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers on D, plus eligible children from 3 months after "
               "they became eligible, whose pathway plan was made or last reviewed on or after D minus 6 calendar "
               "months. By age on D: 16, 17-18, 19-21, 22-25.",
    reference="Care Leavers (England) Regulations 2010 reg 7; Care Planning Regulations 2010 regs 42-43",
    breakdown="age_band",
    query=f"""
        WITH leavers AS ({CARE_LEAVERS_AT_D}),
        plan AS ({latest_record("pathway_plans", "plan_date", "kind", tie="kind = 'reviewed' DESC")})
        SELECT l.child_id, true AS in_denominator,
               coalesce(p.plan_date >= CAST(CAST(:d AS date) - interval '6 months' AS date), false) AS in_numerator,
               l.who || '; ' || coalesce(
                   'pathway plan ' || p.kind || ' ' || p.plan_date
                   || CASE WHEN p.plan_date < CAST(CAST(:d AS date) - interval '6 months' AS date)
                           THEN ', more than 6 months before D' ELSE '' END,
                   'no pathway plan recorded') AS reason,
               l.age_band
        FROM leavers l LEFT JOIN plan p USING (child_id)
        WHERE l.category <> 'eligible'
           OR l.eligible_since <= CAST(CAST(:d AS date) - interval '3 months' AS date)
    """,
)
