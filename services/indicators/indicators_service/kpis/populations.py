"""SQL every KPI shares: the catalogue's common populations (../shared/kpis.md, "Common rules")."""

# Legal statuses of an agreed series of short breaks (903 V3/V4): outside "CLA at D".
SHORT_BREAKS = "('V3', 'V4')"
# Placed for adoption (903 PLACE A3-A6).
ADOPTIVE_PLACEMENTS = "('A3', 'A4', 'A5', 'A6')"
# Temporary placements (903 T0-T4) with a return to the same carer are not moves.
TEMPORARY_PLACEMENTS = "('T0', 'T1', 'T2', 'T3', 'T4')"



def legal_status_on(period: str, day: str) -> str:
    """SQL: the legal status of period of care ``period`` (an alias of care_periods) on ``day``: its latest
    change within the period by then (legal_status_changes), else the one it started with."""
    return f"""coalesce((SELECT ls.legal_status FROM legal_status_changes ls
                         WHERE ls.care_period_id = {period}.care_period_id AND ls.start_date <= {day}
                         ORDER BY ls.start_date DESC LIMIT 1), {period}.legal_status)"""


# Children looked after on D: in a period of care that started on or before D and had not ended by D (a child
# who left on D is not looked after on D), not under short breaks on D. One row per child, with that period.
CLA_AT_D = f"""
    SELECT DISTINCT ON (cp.child_id) cp.child_id, cp.care_period_id, cp.start_date, cp.date_of_birth
    FROM care_periods cp
    WHERE cp.start_date <= :d AND (cp.end_date IS NULL OR cp.end_date > :d)
      AND {legal_status_on("cp", ":d")} NOT IN {SHORT_BREAKS}
    ORDER BY cp.child_id, cp.start_date DESC
"""

# Continuously looked after for 12 months at D (the OC2 cohort): looked after on D in a period of care that
# started on or before the window's first day, not under short breaks on that day nor at any time since.
OC2_COHORT = f"""
    SELECT cla.child_id, cla.care_period_id, cla.date_of_birth
    FROM ({CLA_AT_D}) cla JOIN care_periods cp ON cp.care_period_id = cla.care_period_id
    WHERE cla.start_date <= :window_start
      AND {legal_status_on("cp", ":window_start")} NOT IN {SHORT_BREAKS}
      AND NOT EXISTS (SELECT 1 FROM legal_status_changes ls
                      WHERE ls.care_period_id = cp.care_period_id AND ls.legal_status IN {SHORT_BREAKS}
                        AND ls.start_date BETWEEN :window_start AND :d)
"""


# The placement each child looked after on D is in on D (their latest to have started, if records overlap):
# placement columns as "pl.*"; join it to CLA_AT_D as "cla".
PLACEMENT_ON_D = """
    SELECT DISTINCT ON (pl.child_id) pl.*
    FROM placements pl JOIN cla USING (child_id)
    WHERE pl.start_date <= :d AND (pl.end_date IS NULL OR pl.end_date > :d)
    ORDER BY pl.child_id, pl.start_date DESC
"""


def same_carer(placement: str, window: str) -> str:
    """SQL: whether ``placement`` kept the carer of the child's placement before it (``window``: a named
    window of the child's placements in order): the case system said so (903 RNE T/U), or both carry the
    same carer id (e.g. the return to the carer after a temporary placement, whose RNE is relative to that
    temporary one: callers leave temporary placements out of the window)."""
    return (f"(coalesce({placement}.reason_new_episode IN ('T', 'U'), false) "
            f"OR coalesce({placement}.carer_id = lag({placement}.carer_id) OVER {window}, false))")


def carer_runs(placements: str) -> str:
    """SQL: the rows ``placements`` selects (whole rows of the placements table, one period of care per child),
    each with ``run``, its number among its period's runs of placements with one carer (a placement that kept
    the carer of the one before it, by same_carer, continues that run), and ``with_carer_since``, the day its
    run began. Callers leave temporary placements (T0-T4) out where a respite must not break a run."""
    return f"""
        SELECT *, min(start_date) OVER (PARTITION BY care_period_id, run) AS with_carer_since
        FROM (SELECT *, sum(new_carer) OVER (PARTITION BY care_period_id ORDER BY start_date, placement_id) AS run
              FROM (SELECT p.*, CASE WHEN {same_carer("p", "w")} THEN 0 ELSE 1 END AS new_carer
                    FROM ({placements}) p
                    WINDOW w AS (PARTITION BY p.care_period_id ORDER BY p.start_date, p.placement_id)) placed) numbered
    """


def plural(count_sql: str, noun: str) -> str:
    """SQL text "1 placement" / "3 placements" for a count expression."""
    return f"({count_sql})::text || CASE WHEN ({count_sql}) = 1 THEN ' {noun}' ELSE ' {noun}s' END"


# Children who ceased to be looked after in the window, each child once (their latest period that ended in
# it), with the 903 reason grouped as the catalogue groups it. Short-break periods are not "looked after".
CEASED_IN_WINDOW = f"""
    SELECT DISTINCT ON (child_id) child_id, end_date, reason_ceased,
           CASE WHEN reason_ceased IN ('E11', 'E12') THEN 'adopted'
                WHEN reason_ceased IN ('E43', 'E44', 'E45', 'E46', 'E47', 'E48') THEN 'special guardianship'
                WHEN reason_ceased = 'E41' THEN 'child arrangements order'
                WHEN reason_ceased IN ('E4A', 'E4B') THEN 'returned home'
                WHEN reason_ceased = 'E13' THEN 'living with relatives'
                WHEN reason_ceased IN ('E5', 'E6') THEN 'independent living'
                ELSE 'other' END AS reason_group
    FROM care_periods cp
    WHERE end_date BETWEEN :window_start AND :d AND {legal_status_on("cp", "cp.end_date")} NOT IN {SHORT_BREAKS}
    ORDER BY child_id, end_date DESC
"""


# The placements of the periods that ended in adoption (ADOPTED_IN_3_YEARS's "adopted"), temporary ones left out.
_ADOPTED_PLACEMENTS = f"""
    SELECT p.* FROM placements p JOIN adopted a ON a.care_period_id = p.care_period_id
    WHERE p.placement_type NOT IN {TEMPORARY_PLACEMENTS}  -- respite elsewhere does not end the time with a carer
"""

# Periods of care that ended in adoption (903 REC E11, E12) in the 3 years to D (the Adoption Scorecard's
# window), with the day each child entered care and the day they moved in with their adoptive family: the
# start of their last adoptive placement (A3-A6) or, where they were adopted by their own foster carer, the
# start of their time with that carer (the run of same-carer placements the adoptive placement ends).
ADOPTED_IN_3_YEARS = f"""
    WITH adopted AS (
        SELECT child_id, care_period_id, start_date AS entered, end_date AS adopted_on
        FROM care_periods
        WHERE reason_ceased IN ('E11', 'E12') AND end_date <= :d
          AND end_date > CAST(:d AS date) - INTERVAL '3 years'
    ),
    runs AS ({carer_runs(_ADOPTED_PLACEMENTS)}),
    adoptive AS (
        SELECT DISTINCT ON (care_period_id) care_period_id, start_date AS placed_on, with_carer_since AS moved_in
        FROM runs WHERE placement_type IN {ADOPTIVE_PLACEMENTS}
        ORDER BY care_period_id, start_date DESC, placement_id DESC
    )
    SELECT a.child_id, a.care_period_id, a.entered, a.adopted_on, ad.placed_on, ad.moved_in
    FROM adopted a LEFT JOIN adoptive ad USING (care_period_id)
"""


# ---- Leaving care (../shared/kpis.md, "Leaving care"; Children (Leaving Care) Act 2000; Care Leavers (England)
# Regulations 2010): who is a care leaver on D, derived from the care history, not typed in. ------------------

def birthday(years: int, born: str = "date_of_birth") -> str:
    """SQL: the day someone born on ``born`` turns ``years``."""
    return f"CAST({born} + interval '{years} years' AS date)"


# The days each child was looked after as the leaving-care rules count them: each stretch of a period of care
# under one legal status (the period's own from its start, then each change's from its day, read as
# legal_status_on reads them), short breaks (V3/V4) left out; cut at D (end_date: the first day not looked
# after, at most D + 1).
LOOKED_AFTER_STRETCHES = f"""
    SELECT child_id, date_of_birth, start_date,
           least(coalesce(end_date, CAST(:d AS date) + 1), CAST(:d AS date) + 1) AS end_date
    FROM (
        SELECT cp.child_id, cp.date_of_birth, s.day AS start_date, {legal_status_on("cp", "s.day")} AS legal_status,
               coalesce(lead(s.day) OVER (PARTITION BY cp.care_period_id ORDER BY s.day), cp.end_date) AS end_date
        FROM care_periods cp CROSS JOIN LATERAL (
            SELECT cp.start_date AS day
            UNION
            SELECT ls.start_date FROM legal_status_changes ls
            WHERE ls.care_period_id = cp.care_period_id AND ls.start_date > cp.start_date
              AND (cp.end_date IS NULL OR ls.start_date < cp.end_date)
        ) s
        WHERE cp.start_date <= :d
    ) stretches
    WHERE legal_status NOT IN {SHORT_BREAKS} AND start_date <= :d
"""

# Per child looked after at any time since their 14th birthday, as of D: looked after on D (short breaks
# aside), and ``qualified_from``, the day they first met the leaving-care test: looked after for 13 weeks
# (91 days) in total since the 14th birthday, some of it on or after the 16th (Care Leavers (England)
# Regulations 2010 reg 3) — the later of the 91st such day and the first such day from the 16th birthday.
# NULL: not met by D.
CARE_HISTORY_AT_D = f"""
    WITH since_14 AS (
        SELECT child_id, date_of_birth, greatest(start_date, {birthday(14)}) AS start_date, end_date
        FROM ({LOOKED_AFTER_STRETCHES}) s
    ),
    counted AS (
        SELECT *, end_date - start_date AS days,
               coalesce(sum(end_date - start_date) OVER (PARTITION BY child_id ORDER BY start_date
                                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM since_14 WHERE start_date < end_date
    ),
    milestones AS (
        SELECT child_id, bool_or(end_date > :d) AS looked_after,
               min(start_date + (90 - before)::int) FILTER (WHERE before < 91 AND before + days >= 91) AS day_91,
               min(greatest(start_date, {birthday(16)})) FILTER (WHERE end_date > {birthday(16)}) AS from_16
        FROM counted GROUP BY child_id
    )
    SELECT child_id, looked_after, day_91, from_16,
           CASE WHEN day_91 IS NOT NULL AND from_16 IS NOT NULL THEN greatest(day_91, from_16) END AS qualified_from  -- greatest() skips NULLs
    FROM milestones
"""

# The age bands the catalogue reports leaving-care KPIs in, by age on D (``age``: completed years).
AGE_BAND = "CASE WHEN age <= 16 THEN '16' WHEN age <= 18 THEN '17-18' WHEN age <= 21 THEN '19-21' ELSE '22-25' END"

# Care leavers on D, one row per young person: ``category`` eligible (looked after on D, aged 16-17, met the
# test), relevant (aged 16-17, no longer looked after, met the test while looked after) or former_relevant
# (from the 18th birthday, having met the test before it, to the day before the 21st; from 21 to the day
# before the 25th while a request for support or an education/training programme is open). A recorded
# decision (care_leaver_statuses, the latest on or before D) overrides the care history: no_longer_supported
# takes the young person out, any other status puts them in; the category then follows age and looked-after
# state as above. A young person recorded as having died (a contact with IN_TOUCH = DIED) is out from that day.
# Columns: child_id, date_of_birth, age, age_band, category, looked_after, eligible_since (the day they
# first met the test, or the decision's date if the care history never shows it), who (e.g. "former relevant,
# 19"; "by decision" when the decision alone puts them in).
CARE_LEAVERS_AT_D = f"""
    WITH history AS ({CARE_HISTORY_AT_D}),
    birth AS (SELECT child_id, min(date_of_birth) AS date_of_birth FROM care_periods GROUP BY child_id),
    decision AS (
        SELECT DISTINCT ON (child_id) child_id, status, reason, effective_date FROM care_leaver_statuses
        WHERE effective_date <= :d ORDER BY child_id, effective_date DESC, record_version DESC, status_id
    ),
    people AS (
        SELECT b.child_id, b.date_of_birth, extract(year FROM age(:d, b.date_of_birth))::int AS age,
               coalesce(h.looked_after, false) AS looked_after,
               coalesce(h.qualified_from < {birthday(18, "b.date_of_birth")}, false) AS met_the_test,
               coalesce(h.qualified_from, dec.effective_date) AS eligible_since,
               dec.status AS decision, dec.reason AS decision_reason
        FROM birth b LEFT JOIN history h USING (child_id) LEFT JOIN decision dec USING (child_id)
        WHERE NOT EXISTS (SELECT 1 FROM care_leaver_contacts c
                          WHERE c.child_id = b.child_id AND c.in_touch = 'DIED' AND c.contact_date <= :d)
    ),
    leavers AS (
        SELECT *, CASE WHEN age < 18 AND looked_after THEN 'eligible' WHEN age < 18 THEN 'relevant'
                       ELSE 'former_relevant' END AS category
        FROM people p
        WHERE CASE WHEN decision = 'no_longer_supported' THEN false WHEN decision IS NOT NULL THEN true
                   ELSE met_the_test END
          AND (age BETWEEN 16 AND 20
               OR age BETWEEN 21 AND 24 AND EXISTS (
                   SELECT 1 FROM continuing_support s WHERE s.child_id = p.child_id AND s.start_date <= :d
                     AND (s.end_date IS NULL OR s.end_date > :d)))
    )
    SELECT child_id, date_of_birth, age, {AGE_BAND} AS age_band, category, looked_after, eligible_since,
           replace(category, '_', ' ') || ', ' || age
               || CASE WHEN NOT met_the_test THEN ' (by decision: ' || replace(coalesce(decision_reason, decision), '_', ' ') || ')'
                       ELSE '' END AS who
    FROM leavers
"""


def latest_record(table: str, day: str, columns: str, tie: str = "") -> str:
    """SQL: each young person's latest ``table`` record dated (``day`` column) on or before D, with ``columns``;
    ``tie``: what comes first among records of one day (after it, the record id, for a stable answer)."""
    key = {"care_leaver_contacts": "contact_id", "care_leaver_accommodation": "accommodation_id",
           "care_leaver_activities": "activity_id", "pathway_plans": "plan_id"}[table]
    return f"""SELECT DISTINCT ON (child_id) child_id, {day}, {columns} FROM {table} WHERE {day} <= :d
               ORDER BY child_id, {day} DESC, {tie + ', ' if tie else ''}{key}"""


# Each young person's latest contact on or before D (a YES first among one day's contacts: they were in touch
# that day), ``in_touch`` true only for YES, and ``contact`` in words for the drill-down.
LATEST_CONTACT = f"""
    SELECT child_id, in_touch = 'YES' AS in_touch,
           CASE in_touch WHEN 'YES' THEN 'in touch' WHEN 'NO' THEN 'not in touch' WHEN 'REFU' THEN 'refuses contact'
                         WHEN 'NREQ' THEN 'no longer requires services' WHEN 'RHOM' THEN 'returned home'
                         ELSE in_touch END || ' (contact ' || contact_date || ')' AS contact
    FROM ({latest_record("care_leaver_contacts", "contact_date", "in_touch", tie="in_touch = 'YES' DESC")}) c
"""


def in_touch_and_latest(table: str, code: str, good: str, good_words: str, bad_words: str) -> str:
    """SQL (a KPI query): relevant and former relevant care leavers on D, in the numerator when in touch (their
    latest contact says YES) and their latest ``table`` record (by start_date) has a ``code`` (``r.<code>``) for
    which ``good`` holds; those not in touch stay in the denominator, never in the numerator."""
    return f"""
        WITH leavers AS ({CARE_LEAVERS_AT_D}), contact AS ({LATEST_CONTACT}),
        latest AS ({latest_record(table, "start_date", code)})
        SELECT l.child_id, true AS in_denominator,
               coalesce(c.in_touch, false) AND coalesce({good}, false) AS in_numerator,
               l.who || '; ' || coalesce(c.contact, 'no contact recorded') || '; '
                   || coalesce('latest {code} ' || r.start_date || ' '
                               || CASE WHEN {good} THEN '{good_words}' ELSE '{bad_words}' END
                               || ' (' || r.{code} || ')', 'no {code} recorded') AS reason,
               l.age_band
        FROM leavers l LEFT JOIN contact c USING (child_id) LEFT JOIN latest r USING (child_id)
        WHERE l.category <> 'eligible'
    """


# The national annual reading (903 OC3), as of D for the collection year ending on the latest 31 March on or
# before D: young people whose 17th to 21st birthday falls in that year, relevant at 17 (met the test by the
# birthday and not looked after on it) or former relevant at 18-21 (met it before the 18th birthday), not out
# by a decision in force on the birthday, not dead by it. ``in_touch``: a YES contact from 3 months before to 1
# month after the birthday, dated on or before D and 30 April (the return's deadline); ``accommodation`` and
# ``activity``: the record in force on the birthday (only read when in touch: otherwise "not known").
# Columns: child_id, age (on the birthday), birthday, age_band (17-18, 19-21), in_touch, accommodation, activity.
OC3_COHORT = f"""
    WITH collection AS (
        SELECT year_end, CAST(year_end - interval '1 year' AS date) + 1 AS year_start FROM (
            SELECT make_date(extract(year FROM CAST(:d AS date))::int
                             - CASE WHEN to_char(CAST(:d AS date), 'MM-DD') < '03-31' THEN 1 ELSE 0 END, 3, 31) AS year_end
        ) y
    ),
    history AS ({CARE_HISTORY_AT_D}),
    stretches AS ({LOOKED_AFTER_STRETCHES}),
    birthdays AS (
        SELECT b.child_id, b.date_of_birth, a.age, c.year_end,
               CAST(b.date_of_birth + make_interval(years => a.age) AS date) AS birthday
        FROM (SELECT child_id, min(date_of_birth) AS date_of_birth FROM care_periods GROUP BY child_id) b
        CROSS JOIN (VALUES (17), (18), (19), (20), (21)) a(age) CROSS JOIN collection c
        WHERE CAST(b.date_of_birth + make_interval(years => a.age) AS date) BETWEEN c.year_start AND c.year_end
    ),
    cohort AS (
        SELECT bd.*, h.qualified_from,
               (SELECT s.status FROM care_leaver_statuses s WHERE s.child_id = bd.child_id AND s.effective_date <= bd.birthday
                ORDER BY s.effective_date DESC, s.record_version DESC, s.status_id LIMIT 1) AS decision
        FROM birthdays bd LEFT JOIN history h USING (child_id)
        WHERE NOT EXISTS (SELECT 1 FROM care_leaver_contacts c WHERE c.child_id = bd.child_id AND c.in_touch = 'DIED'
                            AND c.contact_date <= bd.birthday)
          AND (bd.age > 17 OR NOT EXISTS (SELECT 1 FROM stretches s WHERE s.child_id = bd.child_id
                                            AND s.start_date <= bd.birthday AND s.end_date > bd.birthday))
    )
    SELECT child_id, age, birthday, CASE WHEN age <= 18 THEN '17-18' ELSE '19-21' END AS age_band,
           EXISTS (SELECT 1 FROM care_leaver_contacts c WHERE c.child_id = cohort.child_id AND c.in_touch = 'YES'
                     AND c.contact_date BETWEEN CAST(birthday - interval '3 months' AS date)
                                            AND CAST(birthday + interval '1 month' AS date)
                     AND c.contact_date <= least(CAST(:d AS date), year_end + 30)) AS in_touch,
           (SELECT a.accommodation FROM care_leaver_accommodation a WHERE a.child_id = cohort.child_id
              AND a.start_date <= birthday ORDER BY a.start_date DESC, a.accommodation_id DESC LIMIT 1) AS accommodation,
           (SELECT a.activity FROM care_leaver_activities a WHERE a.child_id = cohort.child_id
              AND a.start_date <= birthday ORDER BY a.start_date DESC, a.activity_id DESC LIMIT 1) AS activity
    FROM cohort
    WHERE CASE WHEN decision = 'no_longer_supported' THEN false WHEN decision IS NOT NULL THEN true
               ELSE qualified_from < {birthday(18)} AND qualified_from <= birthday END
"""


def oc3_reading(numerator: str, status: str) -> str:
    """SQL (a KPI query) over OC3_COHORT: every young person in the denominator, ``numerator`` (SQL over its
    columns) when in touch; ``status``: SQL words for what was recorded when in touch."""
    return f"""
        SELECT child_id, true AS in_denominator, in_touch AND coalesce({numerator}, false) AS in_numerator,
               'turned ' || age || ' on ' || birthday || '; '
                   || CASE WHEN in_touch THEN 'in touch around the birthday; ' || {status}
                           ELSE 'no YES contact from 3 months before to 1 month after the birthday: not known' END AS reason,
               age_band
        FROM ({OC3_COHORT}) oc3
    """
