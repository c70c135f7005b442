from indicators_service.kpis.definition import Direction, Kpi, Unit

# Rows are households, not children: every household approved on D (counted, by category), and those
# de-registered in the 12 months (outside the figure; tallied with the approvals in the window).
KPI = Kpi(
    id="foster_households",
    title="Approved in-house foster households",
    domain="placements",
    position=19,
    unit=Unit.COUNT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="Approved in-house foster households on D (approved on or before D and not de-registered by D), "
               "by category (short term, long term, short breaks, connected persons, parent and child); with the "
               "approvals and de-registrations in the 12 months to D.",
    reference="Ofsted fostering data collection; the board report's sufficiency section",
    sources=("foster_households",),
    breakdown="category",
    tallies=("approved_in_the_12_months", "deregistered_in_the_12_months"),
    item="households",
    query="""
        SELECT household_id AS child_id,
               deregistration_date IS NULL OR deregistration_date > :d AS in_denominator, true AS in_numerator,
               'approved ' || approval_date ||
               CASE WHEN deregistration_date <= :d THEN ', de-registered ' || deregistration_date ELSE '' END AS reason,
               replace(category, '_', ' ') AS category,
               approval_date >= :window_start AS approved_in_the_12_months,
               coalesce(deregistration_date <= :d, false) AS deregistered_in_the_12_months
        FROM foster_households
        WHERE approval_date <= :d AND (deregistration_date IS NULL OR deregistration_date >= :window_start)
    """,
)
