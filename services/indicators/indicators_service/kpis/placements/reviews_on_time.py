from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.populations import ADOPTIVE_PLACEMENTS, SHORT_BREAKS, legal_status_on

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
                   greatest(cp.start_date,
                            (SELECT max(p.start_date) FROM placements p
                              WHERE p.care_period_id = cp.care_period_id AND p.placement_type IN {ADOPTIVE_PLACEMENTS}
                                AND p.start_date <= r.review_date
                                AND NOT EXISTS (SELECT 1 FROM placements before
                                                WHERE before.care_period_id = p.care_period_id
                                                  AND before.placement_type IN {ADOPTIVE_PLACEMENTS}
                                                  AND before.end_date = p.start_date)),
                            (SELECT max(lc.start_date) FROM legal_status_changes lc
                              WHERE lc.care_period_id = cp.care_period_id AND lc.start_date <= r.review_date
                                AND lc.legal_status NOT IN {SHORT_BREAKS}
                                AND {legal_status_on("cp", "lc.start_date - 1")} IN {SHORT_BREAKS})) AS counted_from
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
            SELECT n.*, CASE WHEN n.number = 1 THEN due_day.day
                             WHEN n.number = 2 THEN CAST(n.previous + INTERVAL '3 months' AS date)
                             ELSE CAST(n.previous + INTERVAL '6 months' AS date) END AS due_date
            FROM numbered n
            JOIN calendar_days start_day ON start_day.day = n.counted_from
            JOIN calendar_days due_day ON due_day.is_working_day AND due_day.working_days = start_day.working_days + 20
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
