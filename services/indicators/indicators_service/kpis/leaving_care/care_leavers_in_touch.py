from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import CARE_LEAVERS_AT_D, LATEST_CONTACT

KPI = Kpi(
    id="care_leavers_in_touch",
    title="Care leavers in touch",
    domain="leaving-care",
    position=2,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers on D whose latest contact on or before D records "
               "903 IN_TOUCH = YES; no contact recorded is not in touch; NO, REFU, NREQ and RHOM stay in the "
               "denominator. By age on D: 16, 17-18, 19-21, 22-25.",
    reference="SSDA903 OC3 IN_TOUCH; Care Leavers (England) Regulations 2010",
    breakdown="age_band",
    query=f"""
        WITH leavers AS ({CARE_LEAVERS_AT_D}), contact AS ({LATEST_CONTACT})
        SELECT l.child_id, true AS in_denominator, coalesce(c.in_touch, false) AS in_numerator,
               l.who || '; ' || coalesce(c.contact, 'no contact recorded') AS reason, l.age_band
        FROM leavers l LEFT JOIN contact c USING (child_id)
        WHERE l.category <> 'eligible'
    """,
)
