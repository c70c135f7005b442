from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import oc3_reading

KPI = Kpi(
    id="care_leavers_in_touch_annual",
    title="Care leavers in touch (annual 903 reading)",
    domain="leaving-care",
    position=2,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="The national annual reading beside the live one, for the year to the last 31 March on or before D: "
               "of young people whose 17th-21st birthday fell in it (relevant at 17, former relevant at 18-21), % "
               "with a YES contact from 3 months before to 1 month after the birthday (contacts up to 30 April "
               "count). Bands by age at the birthday: 17-18, 19-21.",
    reference="SSDA903 OC3 IN_TOUCH (DfE, Children looked after in England, care leavers)",
    breakdown="age_band",
    query=oc3_reading("true", "'YES'"),
)
