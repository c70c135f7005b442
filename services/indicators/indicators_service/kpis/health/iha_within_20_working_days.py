from indicators_service.kpis.definition import Direction, Kpi, Unit, WorkList
from indicators_service.kpis.due_dates import nth_working_day_after, working_days_between
from indicators_service.kpis.populations import SHORT_BREAKS, plural


def iha_due(entered: str) -> str:
    """The 20th working day after the day the child became looked after (that day is day 0)."""
    return nth_working_day_after(entered, 20)


# One row per period of care whose IHA fell due in the window. 20 working days never span more than 45
# calendar days, which bounds the periods read.
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
            SELECT p.child_id, p.start_date, p.end_date, {iha_due("p.start_date")} AS due_date,
                   (SELECT min(a.completed_date) FROM initial_health_assessments a
                     WHERE a.child_id = p.child_id AND a.completed_date >= p.start_date
                       AND (p.end_date IS NULL OR a.completed_date <= p.end_date)) AS completed
            FROM care_periods p
            WHERE p.legal_status NOT IN {SHORT_BREAKS}
              AND p.start_date BETWEEN CAST(:window_start AS date) - 45 AND :d
        )
        SELECT due.child_id, true AS in_denominator, coalesce(due.completed <= due.due_date, false) AS in_numerator,
               CASE WHEN due.completed IS NULL THEN 'IHA due ' || due.due_date || ', not done'
                    WHEN due.completed <= due.due_date THEN 'IHA due ' || due.due_date || ', completed ' || due.completed
                    ELSE 'IHA due ' || due.due_date || ', completed ' ||
                         {plural(f"greatest({working_days_between('due.due_date', 'due.completed')}, 1)", "working day")} || ' late'
               END AS reason
        FROM due
        WHERE due.due_date BETWEEN :window_start AND :d
          AND (due.end_date IS NULL OR due.end_date > due.due_date OR due.completed IS NOT NULL)
    """,
)

# The same periods of care while the child is looked after, until an IHA is recorded in the period.
WORK_LIST = WorkList(
    id="iha_due",
    title="Initial health assessments due or overdue",
    kpi=KPI.id,
    scope="worklists:health",
    definition="Children looked after on D (periods of care that are not short breaks, V3/V4) with no IHA "
               "recorded since they became looked after; due on the 20th working day after that day.",
    population=f"""
        SELECT p.child_id, p.start_date FROM care_periods p
        WHERE p.legal_status NOT IN {SHORT_BREAKS} AND p.start_date <= :d AND (p.end_date IS NULL OR p.end_date > :d)
    """,
    due=iha_due("item.start_date"),
    done="""EXISTS (SELECT 1 FROM initial_health_assessments a
                    WHERE a.child_id = item.child_id AND a.completed_date BETWEEN item.start_date AND :d)""",
    reason="'looked after since ' || item.start_date || ', no IHA recorded'",
)
