"""SQL every KPI shares: the catalogue's common populations (../shared/kpis.md, "Common rules")."""

# Legal statuses of an agreed series of short breaks (903 V3/V4): outside "CLA at D".
SHORT_BREAKS = "('V3', 'V4')"
# Temporary placements (903 T0-T4) with a return to the same carer are not moves.
TEMPORARY_PLACEMENTS = "('T0', 'T1', 'T2', 'T3', 'T4')"

# Children looked after on D: in a period of care that started on or before D and had not ended by D (a child
# who left on D is not looked after on D), not under short breaks. One row per child, with that period.
CLA_AT_D = f"""
    SELECT DISTINCT ON (child_id) child_id, care_period_id, start_date, date_of_birth
    FROM care_periods
    WHERE start_date <= :d AND (end_date IS NULL OR end_date > :d) AND legal_status NOT IN {SHORT_BREAKS}
    ORDER BY child_id, start_date DESC
"""


# The placement each child looked after on D is in on D (their latest to have started, if records overlap):
# placement columns as "pl.*"; join it to CLA_AT_D as "cla".
PLACEMENT_ON_D = """
    SELECT DISTINCT ON (pl.child_id) pl.*
    FROM placements pl JOIN cla USING (child_id)
    WHERE pl.start_date <= :d AND (pl.end_date IS NULL OR pl.end_date > :d)
    ORDER BY pl.child_id, pl.start_date DESC
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
    FROM care_periods
    WHERE end_date BETWEEN :window_start AND :d AND legal_status NOT IN {SHORT_BREAKS}
    ORDER BY child_id, end_date DESC
"""
