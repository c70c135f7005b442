from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.due_dates import day_aged

# The population is the latest recorded care-leaver status on D (the leaving-care service records it):
# relevant and former relevant young people under 26, and eligible children from 17 years 4 months
# (configurable). While a young person is still looked after, an allocated social worker also counts.
KPI = Kpi(
    id="pa_allocated",
    title="Care leavers with a personal adviser",
    domain="leaving-care",
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers, and of eligible children aged 17 years 4 months "
               "or more on D (threshold configurable), with a personal-adviser allocation open on D (start ≤ D "
               "< end) or, for an eligible child, a social-worker allocation open on D. By age on D: 16, 17-18, "
               "19-21, 22-25.",
    reference="Children (Leaving Care) Act 2000; Care Leavers (England) Regulations 2010",
    settings=("pa_eligible_min_age_months",),
    breakdown="age_band",
    query=f"""
        WITH latest_status AS (
            SELECT DISTINCT ON (child_id) child_id, status FROM care_leaver_statuses
            WHERE effective_date <= :d ORDER BY child_id, effective_date DESC, record_version DESC, status_id
        ),
        birth AS (SELECT child_id, min(date_of_birth) AS date_of_birth FROM care_periods GROUP BY child_id),
        looked_after AS (
            SELECT DISTINCT child_id FROM care_periods WHERE start_date <= :d AND (end_date IS NULL OR end_date > :d)
        ),
        population AS (
            SELECT s.child_id, s.status, la.child_id IS NOT NULL AS looked_after,
                   extract(year FROM age(:d, b.date_of_birth))::int AS age
            FROM latest_status s JOIN birth b USING (child_id) LEFT JOIN looked_after la USING (child_id)
            WHERE (s.status IN ('relevant', 'former_relevant') AND b.date_of_birth > CAST(:d AS date) - interval '26 years')
               OR (s.status = 'eligible' AND {day_aged("b.date_of_birth", ":pa_eligible_min_age_months")} <= :d)
        ),
        allocated AS (
            SELECT p.*, (SELECT a.role FROM adviser_allocations a
                          WHERE a.child_id = p.child_id AND a.start_date <= :d AND (a.end_date IS NULL OR a.end_date > :d)
                            AND (a.role = 'personal_adviser' OR p.looked_after)
                          ORDER BY a.role = 'personal_adviser' DESC LIMIT 1) AS role
            FROM population p
        )
        SELECT child_id, true AS in_denominator, role IS NOT NULL AS in_numerator,
               replace(status, '_', ' ') || ', ' ||
               CASE role WHEN 'personal_adviser' THEN 'personal adviser allocated'
                         WHEN 'social_worker' THEN 'social worker allocated while looked after'
                         ELSE 'no personal adviser allocated' END AS reason,
               CASE WHEN age <= 16 THEN '16' WHEN age <= 18 THEN '17-18' WHEN age <= 21 THEN '19-21' ELSE '22-25' END
                   AS age_band
        FROM allocated
    """,
)
