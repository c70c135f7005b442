from indicators_service.kpis.definition import Direction, Kpi, Unit
from indicators_service.kpis.due_dates import day_aged
from indicators_service.kpis.populations import CARE_LEAVERS_AT_D

# The population is derived from the care history (populations.CARE_LEAVERS_AT_D, a recorded decision
# overriding it): relevant and former relevant young people, and eligible children from 17 years 4 months
# (completed months, configurable). While a young person is still looked after, an allocated social worker
# also counts.
KPI = Kpi(
    id="pa_allocated",
    title="Care leavers with a personal adviser",
    domain="leaving-care",
    position=1,
    unit=Unit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    definition="% of relevant and former relevant care leavers, and of eligible children aged 17 years 4 months "
               "or more on D (threshold configurable), with a personal-adviser allocation open on D (start ≤ D "
               "< end) or, for an eligible child, a social-worker allocation open on D. Care leavers are derived "
               "from the care history (13 weeks looked after since the 14th birthday, some of it from the 16th; "
               "short breaks not counted); a recorded decision overrides it. By age on D: 16, 17-18, 19-21, 22-25.",
    reference="Children (Leaving Care) Act 2000; Care Leavers (England) Regulations 2010",
    settings=("pa_eligible_min_age_months",),
    breakdown="age_band",
    query=f"""
        WITH leavers AS ({CARE_LEAVERS_AT_D}),
        population AS (
            SELECT * FROM leavers
            WHERE category <> 'eligible'
               OR {day_aged("date_of_birth", ":pa_eligible_min_age_months")} <= :d
        ),
        allocated AS (
            SELECT p.*, (SELECT a.role FROM adviser_allocations a
                          WHERE a.child_id = p.child_id AND a.start_date <= :d AND (a.end_date IS NULL OR a.end_date > :d)
                            AND (a.role = 'personal_adviser' OR p.looked_after)
                          ORDER BY a.role = 'personal_adviser' DESC LIMIT 1) AS role
            FROM population p
        )
        SELECT child_id, true AS in_denominator, role IS NOT NULL AS in_numerator,
               who || '; ' ||
               CASE role WHEN 'personal_adviser' THEN 'personal adviser allocated'
                         WHEN 'social_worker' THEN 'social worker allocated while looked after'
                         ELSE 'no personal adviser allocated' END AS reason,
               age_band
        FROM allocated
    """,
)
