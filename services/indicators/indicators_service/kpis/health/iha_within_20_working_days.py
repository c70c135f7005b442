from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import SHORT_BREAKS, plural

# One row per period of care whose IHA fell due in the window. Due = the 20th working day after the day the
# child became looked after (that day is day 0), read from the calendar table. 20 working days never span
# more than 45 calendar days, which bounds the periods read.
KPI = Kpi(
    id="iha_within_20_working_days",
    title="Initial health assessments within 20 working days",
    domain="health",
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Of IHAs that fell due in the 12 months to D (due = the 20th working day after the child became "
               "looked after), one per period of care that is not a short break (V3/V4), where the child was "
               "still looked after on the due date or had the IHA while looked after: % completed on or before "
               "the due date. An IHA completed after the period of care ended does not count.",
    reference="Promoting the health and wellbeing of looked-after children (statutory guidance); "
              "Care Planning Regulations 2010 reg 48",
    query=f"""
        WITH due AS (
            SELECT p.child_id, p.start_date, p.end_date, due_day.day AS due_date, due_day.working_days AS due_number,
                   (SELECT min(a.completed_date) FROM initial_health_assessments a
                     WHERE a.child_id = p.child_id AND a.completed_date >= p.start_date
                       AND (p.end_date IS NULL OR a.completed_date <= p.end_date)) AS completed
            FROM care_periods p
            JOIN calendar_days entered ON entered.day = p.start_date
            JOIN calendar_days due_day ON due_day.is_working_day AND due_day.working_days = entered.working_days + 20
            WHERE p.legal_status NOT IN {SHORT_BREAKS}
              AND p.start_date BETWEEN CAST(:window_start AS date) - 45 AND :d
              AND due_day.day BETWEEN :window_start AND :d
        )
        SELECT due.child_id, true AS in_denominator, coalesce(due.completed <= due.due_date, false) AS in_numerator,
               CASE WHEN due.completed IS NULL THEN 'IHA due ' || due.due_date || ', not done'
                    WHEN due.completed <= due.due_date THEN 'IHA due ' || due.due_date || ', completed ' || due.completed
                    ELSE 'IHA due ' || due.due_date || ', completed ' ||
                         {plural("greatest(done_day.working_days - due.due_number, 1)", "working day")} || ' late'
               END AS reason
        FROM due LEFT JOIN calendar_days done_day ON done_day.day = due.completed
        WHERE due.end_date IS NULL OR due.end_date > due.due_date OR due.completed IS NOT NULL
    """,
)
