from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import in_touch_and_latest

# 903 ACTIV codes of education, employment or training: higher education (F1/P1, full or part time), other
# education (F2/P2), an apprenticeship (F4/P4), other training or employment (F5/P5). G4-G6: not in any.
EET = "('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5')"

KPI = Kpi(
    id="care_leavers_eet",
    title="Care leavers in education, employment or training",
    domain="leaving-care",
    position=4,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers on D who are in touch (latest contact IN_TOUCH = "
               "YES) and whose latest activity record on or before D is education, employment or training (903 "
               "ACTIV F1, P1 higher education; F2, P2 other education; F4, P4 apprenticeship; F5, P5 other "
               "training or employment); those not in touch stay in the denominator. By age on D: 16, 17-18, "
               "19-21, 22-25.",
    reference="SSDA903 OC3 ACTIV",
    breakdown="age_band",
    query=in_touch_and_latest("care_leaver_activities", "activity", f"r.activity IN {EET}",
                              "in education, employment or training", "not in education, employment or training"),
)
