from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import OC2_COHORT, plural

# The 903 OC2 cohort as of D (populations.OC2_COHORT), aged 10 or over on D (the age of criminal
# responsibility).
KPI = Kpi(
    id="cla_convicted_12m",
    title="Children looked after convicted or cautioned",
    domain="placements",
    position=16,
    unit=Unit.PERCENT,
    direction=Direction.LOWER_IS_BETTER,
    definition="% of children aged 10 or over on D, looked after continuously for the 12 months to D (the OC2 "
               "cohort, short breaks V3/V4 excluded), who were convicted or received a youth caution in those "
               "12 months.",
    reference="SSDA903 OC2 CONVICTED",
    query=f"""
        WITH cohort AS (
            SELECT child_id FROM ({OC2_COHORT}) oc2 WHERE date_of_birth <= CAST(:d AS date) - INTERVAL '10 years'
        ),
        outcomes AS (
            SELECT child_id, count(*) FILTER (WHERE outcome = 'conviction') AS convictions,
                   count(*) FILTER (WHERE outcome = 'youth_caution') AS cautions
            FROM convictions WHERE outcome_date BETWEEN :window_start AND :d GROUP BY child_id
        )
        SELECT c.child_id, true AS in_denominator, o.child_id IS NOT NULL AS in_numerator,
               CASE WHEN o.child_id IS NULL THEN 'no conviction or youth caution in the 12 months'
                    ELSE concat_ws(' and ', CASE WHEN o.convictions > 0 THEN {plural("o.convictions", "conviction")} END,
                                   CASE WHEN o.cautions > 0 THEN {plural("o.cautions", "youth caution")} END)
                         || ' in the 12 months' END AS reason
        FROM cohort c LEFT JOIN outcomes o USING (child_id)
    """,
)
