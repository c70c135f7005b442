from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.leaving_care.care_leavers_eet import EET
from indicators_service.kpis.populations import oc3_reading

KPI = Kpi(
    id="care_leavers_eet_annual",
    title="Care leavers in education, employment or training (annual 903 reading)",
    domain="leaving-care",
    position=4,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="The national annual reading beside the live one, for the year to the last 31 March on or before D: "
               "of young people whose 17th-21st birthday fell in it, % in touch around the birthday whose activity "
               "in force on the birthday was education, employment or training (903 ACTIV F1-F5, P1-P5); not in "
               "touch is not known, in the denominator. Bands by age at the birthday: 17-18, 19-21 (the England "
               "figure is the 19-21 band's).",
    reference="SSDA903 OC3 ACTIV (DfE, Children looked after in England, care leavers)",
    breakdown="age_band",
    query=oc3_reading(f"activity IN {EET}",
                      f"coalesce('activity ' || activity || CASE WHEN activity IN {EET} "
                      "THEN ' education, employment or training' ELSE ' not in education, employment or training' END, "
                      "'no activity recorded')"),
)
