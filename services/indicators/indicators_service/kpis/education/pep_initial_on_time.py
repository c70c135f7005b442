from indicators_service.kpis.definition import Direction, Kpi, Unit, WorkList
from indicators_service.kpis.due_dates import nth_school_day_after, school_days_between
from indicators_service.kpis.populations import SHORT_BREAKS, plural


def pep_due(notified: str) -> str:
    """The Nth school day (setting initial_pep_school_days, 10 by default) after ``notified`` (day 0)."""
    return nth_school_day_after(notified, ":initial_pep_school_days")


# Due = the Nth school day (10 by default) after the Virtual School was notified (that day is day 0), read
# from the council's school-day calendar. A notification belongs to the period of care it falls in. 10 school
# days never span more than LOOK_BACK calendar days (a summer holiday), which bounds the rows read. A period of
# care with no notification is reported separately, with the date its PEP would have fallen due had the
# Virtual School been told the day care began; no due date exists beyond the configured term dates.
LOOK_BACK = 120

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
    school_days_look_back=LOOK_BACK,
    query=f"""
        WITH periods AS (
            SELECT p.care_period_id, p.child_id, p.start_date, p.end_date
            FROM care_periods p
            WHERE p.legal_status NOT IN {SHORT_BREAKS} AND p.start_date <= :d
              AND (p.end_date IS NULL OR p.end_date >= CAST(:window_start AS date) - {LOOK_BACK})
        ),
        notified AS (
            SELECT n.notification_id, n.child_id, n.notified_date, p.care_period_id, p.end_date
            FROM virtual_school_notifications n
            JOIN periods p ON p.child_id = n.child_id AND p.start_date <= n.notified_date
                          AND (p.end_date IS NULL OR n.notified_date <= p.end_date)
            WHERE n.notified_date BETWEEN CAST(:window_start AS date) - {LOOK_BACK} AND :d
        ),
        due AS (
            SELECT * FROM (
                SELECT n.child_id, n.end_date, {pep_due("n.notified_date")} AS due_date,
                       (SELECT min(pep.completed_date) FROM initial_peps pep
                         WHERE pep.notification_id = n.notification_id
                           AND (n.end_date IS NULL OR pep.completed_date <= n.end_date)) AS completed
                FROM notified n) dated
            WHERE due_date BETWEEN :window_start AND :d
        ),
        not_notified AS (
            SELECT * FROM (SELECT p.child_id, p.start_date, p.end_date, {pep_due("p.start_date")} AS due_date
                           FROM periods p) dated
            WHERE due_date BETWEEN :window_start AND :d AND (end_date IS NULL OR end_date > due_date)
              AND NOT EXISTS (SELECT 1 FROM virtual_school_notifications n  -- as known on D: nothing dated later
                              WHERE n.child_id = dated.child_id AND n.notified_date >= dated.start_date
                                AND n.notified_date <= :d AND (dated.end_date IS NULL OR n.notified_date <= dated.end_date))
        )
        SELECT due.child_id, true AS in_denominator, coalesce(due.completed <= due.due_date, false) AS in_numerator,
               CASE WHEN due.completed IS NULL THEN 'initial PEP due ' || due.due_date || ', not done'
                    WHEN due.completed <= due.due_date THEN 'initial PEP due ' || due.due_date || ', completed ' || due.completed
                    ELSE 'initial PEP due ' || due.due_date || ', completed ' ||
                         {plural(f"greatest({school_days_between('due.due_date', 'due.completed')}, 1)", "school day")} || ' late'
               END AS reason
        FROM due
        WHERE due.end_date IS NULL OR due.end_date > due.due_date OR due.completed IS NOT NULL
        UNION ALL
        SELECT child_id, false, false,
               'no Virtual School notification recorded (PEP would have been due ' || due_date || ')'
        FROM not_notified
    """,
)

# The notifications of children looked after on D (not on short breaks) until their initial PEP is recorded.
WORK_LIST = WorkList(
    id="initial_pep_due",
    title="Initial PEPs due",
    kpi=KPI.id,
    scope="worklists:education",
    definition="Virtual School notifications for children looked after on D (periods of care that are not short "
               "breaks, V3/V4) with no initial PEP recorded for the notification; due on the 10th school day "
               "(configurable) after the notification.",
    settings=("initial_pep_school_days",),
    population=f"""
        SELECT n.child_id, n.notification_id, n.notified_date
        FROM virtual_school_notifications n
        JOIN care_periods p ON p.child_id = n.child_id AND p.start_date <= n.notified_date
                           AND (p.end_date IS NULL OR n.notified_date <= p.end_date)
        WHERE n.notified_date <= :d AND p.legal_status NOT IN {SHORT_BREAKS} AND (p.end_date IS NULL OR p.end_date > :d)
    """,
    due=pep_due("item.notified_date"),
    done="""EXISTS (SELECT 1 FROM initial_peps pep
                    WHERE pep.notification_id = item.notification_id AND pep.completed_date <= :d)""",
    reason="'Virtual School notified ' || item.notified_date || ', no initial PEP recorded'",
)
