from indicators_service.kpis.definition import Direction, Kpi, Unit, WorkList
from indicators_service.kpis.due_dates import months_after, nth_working_day_after
from indicators_service.kpis.populations import ADOPTIVE_PLACEMENTS, CLA_AT_D, SHORT_BREAKS, legal_status_on


def counted_from(period: str, day: str) -> str:
    """SQL: the day the review intervals of period of care ``period`` (a care_periods alias) run from, as of
    ``day``: the latest of its start, the day the child was placed for adoption, the day a short break ended."""
    return f"""greatest({period}.start_date,
                (SELECT max(p.start_date) FROM placements p
                  WHERE p.care_period_id = {period}.care_period_id AND p.placement_type IN {ADOPTIVE_PLACEMENTS}
                    AND p.start_date <= {day}
                    AND NOT EXISTS (SELECT 1 FROM placements before
                                    WHERE before.care_period_id = p.care_period_id
                                      AND before.placement_type IN {ADOPTIVE_PLACEMENTS}
                                      AND before.end_date = p.start_date)),
                (SELECT max(lc.start_date) FROM legal_status_changes lc
                  WHERE lc.care_period_id = {period}.care_period_id AND lc.start_date <= {day}
                    AND lc.legal_status NOT IN {SHORT_BREAKS}
                    AND {legal_status_on(period, "lc.start_date - 1")} IN {SHORT_BREAKS}))"""


def review_due(held_since: str, counted_from: str, previous: str) -> str:
    """SQL: when the next review is due, ``held_since`` reviews having been held since ``counted_from``, the
    latest on ``previous``: the 20th working day after counted_from, then 3 months, then every 6 months."""
    return f"""CASE WHEN {held_since} = 0 THEN {nth_working_day_after(counted_from, 20)}
                    WHEN {held_since} = 1 THEN {months_after(previous, 3)}
                    ELSE {months_after(previous, 6)} END"""


# Each review held in the window, in the period of care it was held in (a period that is not a short break on
# that day). The intervals run from the latest of: the period's start; the day the child was placed for
# adoption (Adoption Agencies Regulations 2005 reg 36 restarts the same intervals there: the first placement of
# an unbroken run of adoptive placements); the day a short-break legal status (V3/V4) gave way to another (the
# child then became looked after in full). The first review since that day is due on the 20th working day
# after it (the day is day 0, from the calendar table), the second three months after the first as actually
# held, every later one six months after the one before.
KPI = Kpi(
    id="reviews_on_time",
    title="Looked-after reviews held on time",
    domain="placements",
    position=14,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of looked-after reviews held in the 12 months to D on or before their due date: the first "
               "within 20 working days of entering care, the second within 3 months of the first, then every 6 "
               "months, each counted from the review actually held before it; for a child placed for adoption "
               "the same intervals run again from the adoptive placement. Short-break (V3/V4) periods are outside.",
    reference="Care Planning Regulations 2010 reg 33; Adoption Agencies Regulations 2005 reg 36; SSDA903 REVIEWS",
    query=f"""
        WITH held AS (
            SELECT r.child_id, r.review_date, cp.care_period_id, cp.start_date AS period_start,
                   {counted_from("cp", "r.review_date")} AS counted_from
            FROM reviews r
            JOIN care_periods cp ON cp.child_id = r.child_id AND cp.start_date <= r.review_date
                                AND (cp.end_date IS NULL OR r.review_date <= cp.end_date)
            WHERE r.review_date <= :d AND {legal_status_on("cp", "r.review_date")} NOT IN {SHORT_BREAKS}
        ),
        numbered AS (
            SELECT *, row_number() OVER w AS number, lag(review_date) OVER w AS previous
            FROM held WINDOW w AS (PARTITION BY care_period_id, counted_from ORDER BY review_date)
        ),
        due AS (
            SELECT n.*, {review_due("n.number - 1", "n.counted_from", "n.previous")} AS due_date FROM numbered n
        )
        SELECT child_id, true AS in_denominator, review_date <= due_date AS in_numerator,
               'review ' || number || CASE WHEN counted_from > period_start THEN ' since ' || counted_from ELSE '' END ||
               ' held ' || review_date || ', due ' || due_date ||
               CASE WHEN review_date > due_date THEN ' (' || (review_date - due_date) || ' days late)' ELSE '' END
               AS reason
        FROM due
        WHERE review_date >= :window_start
    """,
)

# Each child looked after on D, with the next review due in their current period of care: counted from the
# reviews held since the intervals last started (review_due), so holding one moves the date on.
WORK_LIST = WorkList(
    id="reviews_due",
    title="Looked-after reviews due",
    kpi=KPI.id,
    scope="worklists:placements",
    definition="Children looked after on D, with their next looked-after review's due date: 20 working days "
               "after entering care (or being placed for adoption, or a short break giving way to full care), "
               "3 months after the first review, then 6 months after the last one held.",
    population=f"""
        SELECT s.child_id, s.period_start, s.counted_from, count(r.review_id) AS held, max(r.review_date) AS previous
        FROM (SELECT cla.child_id, cp.start_date AS period_start, {counted_from("cp", ":d")} AS counted_from
              FROM ({CLA_AT_D}) cla JOIN care_periods cp ON cp.care_period_id = cla.care_period_id) s
        LEFT JOIN reviews r ON r.child_id = s.child_id AND r.review_date BETWEEN s.counted_from AND :d
        GROUP BY s.child_id, s.period_start, s.counted_from
    """,
    due=review_due("item.held", "item.counted_from", "item.previous"),
    reason="""'review ' || (item.held + 1) ||
              CASE WHEN item.counted_from > item.period_start THEN ' since ' || item.counted_from ELSE '' END ||
              CASE WHEN item.held = 0 THEN ', 20 working days after ' || item.counted_from
                   ELSE ', last held ' || item.previous END""",
)
