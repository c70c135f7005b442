from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import in_touch_and_latest

KPI = Kpi(
    id="care_leavers_suitable_accommodation",
    title="Care leavers in suitable accommodation",
    domain="leaving-care",
    position=3,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers on D who are in touch (latest contact IN_TOUCH = "
               "YES) and whose latest accommodation record on or before D is suitable (903 ACCOM second "
               "character 1); those not in touch stay in the denominator and are never in the numerator. By age "
               "on D: 16, 17-18, 19-21, 22-25.",
    reference="SSDA903 OC3 ACCOM",
    breakdown="age_band",
    # 903 ACCOM's second character: 1 suitable, 2 not suitable.
    query=in_touch_and_latest("care_leaver_accommodation", "accommodation", "right(r.accommodation, 1) = '1'",
                              "suitable", "unsuitable"),
)
