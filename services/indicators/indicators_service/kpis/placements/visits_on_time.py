from indicators_service.kpis.definition import Direction, Kpi, Unit, WorkList
from indicators_service.kpis.due_dates import months_after, weeks_after
from indicators_service.kpis.populations import CLA_AT_D, TEMPORARY_PLACEMENTS, carer_runs

# Care Planning Regulations 2010 reg 28: a visit within a week of the placement's start, then at intervals of
# at most 6 weeks in its first year; after that, at most 3 months where the placement is long-term fostering
# (903 PLACE U1, U4), still 6 weeks otherwise. A placement is the time with the same carer: a change of
# placement type with the same carer (903 RNE T/U) does not start a new one, and temporary placements (T0-T4)
# are left out (a respite weekend does not restart the clock). Only visits since it started count (a move to
# a new carer needs a new first visit). A child with no placement recorded is counted from their period's start.
LONG_TERM_FOSTERING = "('U1', 'U4')"

# The placements of the period of care each child is in on D, up to D, temporary ones left out.
CURRENT_PLACEMENTS = f"""
    SELECT p.* FROM placements p JOIN cla ON cla.child_id = p.child_id AND cla.care_period_id = p.care_period_id
    WHERE p.placement_type NOT IN {TEMPORARY_PLACEMENTS} AND p.start_date <= :d
"""

# Each child looked after on D with the day their next visit is due (next_due), their last visit since they
# have been with their carer (placed_since) and whether that placement is long-term.
NEXT_VISIT = f"""
    WITH cla AS ({CLA_AT_D}),
    runs AS ({carer_runs(CURRENT_PLACEMENTS)}),
    with_carer AS (  -- the latest placement's type, and since when the child has been with its carer
        SELECT DISTINCT ON (child_id) child_id, placement_type, with_carer_since AS since
        FROM runs ORDER BY child_id, start_date DESC, placement_id DESC
    ),
    last_visits AS (
        SELECT cla.child_id, coalesce(c.since, cla.start_date) AS placed_since,
               coalesce(c.placement_type IN {LONG_TERM_FOSTERING}, false) AS long_term,
               (SELECT max(v.visit_date) FROM visits v
                 WHERE v.child_id = cla.child_id AND v.visit_date BETWEEN coalesce(c.since, cla.start_date) AND :d)
               AS last_visit
        FROM cla LEFT JOIN with_carer c USING (child_id)
    )
    SELECT *, CASE WHEN last_visit IS NULL THEN {weeks_after("placed_since", 1)}
                   WHEN long_term AND last_visit >= {months_after("placed_since", 12)}
                        THEN {months_after("last_visit", 3)}
                   ELSE {weeks_after("last_visit", 6)} END AS next_due
    FROM last_visits
"""

KPI = Kpi(
    id="visits_on_time",
    title="Statutory visits on time",
    domain="placements",
    position=15,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of children looked after on D whose most recent statutory visit is within the required "
               "interval: a first visit within a week of the placement's start, then at most every 6 weeks in "
               "its first year, then at most every 3 months for a long-term placement (U1, U4).",
    reference="Care Planning Regulations 2010 reg 28",
    query=f"""
        WITH due AS ({NEXT_VISIT})
        SELECT child_id, true AS in_denominator, :d <= next_due AS in_numerator,
               CASE WHEN last_visit IS NULL THEN 'placed ' || placed_since || ', no visit since; first due ' || next_due
                    ELSE 'last visited ' || last_visit || ', next due ' || next_due END ||
               CASE WHEN :d > next_due THEN ' (' || (CAST(:d AS date) - next_due) || ' days overdue)' ELSE '' END AS reason
        FROM due
    """,
)

# The same children and due dates: a visit moves the next one on.
WORK_LIST = WorkList(
    id="visits_due",
    title="Statutory visits due",
    kpi=KPI.id,
    scope="worklists:placements",
    definition="Children looked after on D, with their next statutory visit's due date: a week after the "
               "placement started, then 6 weeks after the last visit, or 3 months once a long-term placement "
               "(U1, U4) is over a year old.",
    population=NEXT_VISIT,
    due="item.next_due",
    reason="""CASE WHEN item.last_visit IS NULL THEN 'placed ' || item.placed_since || ', no visit since'
                   ELSE 'last visited ' || item.last_visit END""",
)
