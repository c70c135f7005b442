from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import SHORT_BREAKS, plural

# Due = the Nth school day (10 by default) after the Virtual School was notified (that day is day 0), read
# from the council's school-day calendar. A notification belongs to the period of care it falls in. 10 school
# days never span more than 120 calendar days (a summer holiday), which bounds the rows read. A period of
# care with no notification is reported separately, with the date its PEP would have fallen due had the
# Virtual School been told the day care began; no due date exists beyond the configured term dates.
KPI = Kpi(
    id="pep_initial_on_time",
    title="Initial PEPs on time",
    domain="education",
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Of initial PEPs that fell due in the 12 months to D (due = 10 school days, configurable, after "
               "the Virtual School was notified that the child became looked after; any age), for periods of "
               "care that are not short breaks (V3/V4) and where the child was still looked after when it fell "
               "due or had it done: % completed on or before the due date. A PEP completed after the period of "
               "care ended does not count; a period with no notification recorded is reported separately.",
    reference="Promoting the education of looked-after children (statutory guidance); Care Planning "
              "Regulations 2010 reg 48",
    settings=("initial_pep_school_days",),
    separately="periods of care with no Virtual School notification recorded",
    query=f"""
        WITH periods AS (
            SELECT p.care_period_id, p.child_id, p.start_date, p.end_date
            FROM care_periods p
            WHERE p.legal_status NOT IN {SHORT_BREAKS} AND p.start_date <= :d
              AND (p.end_date IS NULL OR p.end_date >= CAST(:window_start AS date) - 120)
        ),
        notified AS (
            SELECT n.notification_id, n.child_id, n.notified_date, p.care_period_id, p.end_date
            FROM virtual_school_notifications n
            JOIN periods p ON p.child_id = n.child_id AND p.start_date <= n.notified_date
                          AND (p.end_date IS NULL OR n.notified_date <= p.end_date)
            WHERE n.notified_date BETWEEN CAST(:window_start AS date) - 120 AND :d
        ),
        due AS (
            SELECT n.child_id, n.end_date, due_day.day AS due_date, due_day.school_days AS due_number,
                   (SELECT min(pep.completed_date) FROM initial_peps pep
                     WHERE pep.notification_id = n.notification_id
                       AND (n.end_date IS NULL OR pep.completed_date <= n.end_date)) AS completed
            FROM notified n
            JOIN calendar_days told ON told.day = n.notified_date
            JOIN calendar_days due_day ON due_day.is_school_day
                                      AND due_day.school_days = told.school_days + :initial_pep_school_days
            WHERE due_day.day BETWEEN :window_start AND :d
        ),
        not_notified AS (
            SELECT p.child_id, due_day.day AS due_date
            FROM periods p
            JOIN calendar_days entered ON entered.day = p.start_date
            JOIN calendar_days due_day ON due_day.is_school_day
                                      AND due_day.school_days = entered.school_days + :initial_pep_school_days
            WHERE due_day.day BETWEEN :window_start AND :d AND (p.end_date IS NULL OR p.end_date > due_day.day)
              AND NOT EXISTS (SELECT 1 FROM virtual_school_notifications n  -- as known on D: nothing dated later
                              WHERE n.child_id = p.child_id AND n.notified_date >= p.start_date AND n.notified_date <= :d
                                AND (p.end_date IS NULL OR n.notified_date <= p.end_date))
        )
        SELECT due.child_id, true AS in_denominator, coalesce(due.completed <= due.due_date, false) AS in_numerator,
               CASE WHEN due.completed IS NULL THEN 'initial PEP due ' || due.due_date || ', not done'
                    WHEN due.completed <= due.due_date THEN 'initial PEP due ' || due.due_date || ', completed ' || due.completed
                    ELSE 'initial PEP due ' || due.due_date || ', completed ' ||
                         {plural("greatest(done_day.school_days - due.due_number, 1)", "school day")} || ' late'
               END AS reason
        FROM due LEFT JOIN calendar_days done_day ON done_day.day = due.completed
        WHERE due.end_date IS NULL OR due.end_date > due.due_date OR due.completed IS NOT NULL
        UNION ALL
        SELECT child_id, false, false,
               'no Virtual School notification recorded (PEP would have been due ' || due_date || ')'
        FROM not_notified
    """,
)
