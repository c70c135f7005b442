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
