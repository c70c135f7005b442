from indicators_service.kpis.definition import Direction, Kpi, Unit

# Rows are approvals of households, not children: each approval open on D (a household approved on D, in
# that approval's category), and those that ended in the 12 months (outside the figure). An approval that
# starts the day the household's previous one ended is new terms (e.g. another category), not an approval; an
# approval that ends the day the next starts is not a de-registration.
KPI = Kpi(
    id="foster_households",
    title="Approved in-house foster households",
    domain="placements",
    position=19,
    unit=Unit.COUNT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Approved in-house foster households on D, by category (short term, long term, short breaks, "
               "connected persons, parent and child); with the approvals and de-registrations in the 12 months "
               "to D (a change of category is neither).",
    reference="Ofsted fostering data collection; the board report's sufficiency section",
    breakdown="category",
    tallies=("approved_in_the_12_months", "deregistered_in_the_12_months"),
    item="households",
    query="""
        WITH approvals AS (
            SELECT a.*, lag(a.end_date) OVER w AS previous_end, lead(a.start_date) OVER w AS next_start
            FROM foster_household_approvals a
            WHERE a.start_date <= :d
            WINDOW w AS (PARTITION BY a.household_id ORDER BY a.start_date)
        )
        SELECT household_id AS child_id, end_date IS NULL OR end_date > :d AS in_denominator,
               end_date IS NULL OR end_date > :d AS in_numerator,
               replace(category, '_', ' ') || ' from ' || start_date ||
               CASE WHEN end_date <= :d THEN ' to ' || end_date ||
                         CASE WHEN next_start = end_date THEN ' (new terms)' ELSE ' (de-registered)' END
                    ELSE '' END AS reason,
               replace(category, '_', ' ') AS category,
               start_date >= :window_start AND previous_end IS DISTINCT FROM start_date AS approved_in_the_12_months,
               coalesce(end_date <= :d AND next_start IS DISTINCT FROM end_date, false) AS deregistered_in_the_12_months
        FROM approvals
        WHERE end_date IS NULL OR end_date >= :window_start
    """,
)
