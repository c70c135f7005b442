from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import oc3_reading

KPI = Kpi(
    id="care_leavers_suitable_accommodation_annual",
    title="Care leavers in suitable accommodation (annual 903 reading)",
    domain="leaving-care",
    position=3,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="The national annual reading beside the live one, for the year to the last 31 March on or before D: "
               "of young people whose 17th-21st birthday fell in it, % in touch around the birthday whose "
               "accommodation in force on the birthday was suitable (903 ACCOM second character 1); not in touch "
               "is not known, in the denominator. Bands by age at the birthday: 17-18, 19-21 (the England figure "
               "is the 19-21 band's).",
    reference="SSDA903 OC3 ACCOM (DfE, Children looked after in England, care leavers)",
    breakdown="age_band",
    query=oc3_reading("right(accommodation, 1) = '1'",
                      "coalesce('accommodation ' || accommodation || CASE WHEN right(accommodation, 1) = '1' "
                      "THEN ' suitable' ELSE ' unsuitable' END, 'no accommodation recorded')"),
)
