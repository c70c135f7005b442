"""The mutation operators of make mutation (devstack/mutation.py) change the SQL of a KPI, not its prose."""

from cosmic_ray.mutating import mutate_code

from devstack.mutation import PythonNumber, SqlComparisonBoundary, SqlNumberMinusOne, SqlNumberPlusOne

QUERY = '''KPI = Kpi(definition="within 6 weeks", position=3, query=f"""
    SELECT child_id FROM visits WHERE start_date <= CAST(:d AS date) - INTERVAL '30 months'
      AND a <> b AND make_interval(months => {12}) > x AND code = 'E11'""")
'''


def every_mutant(operator) -> list[str]:
    mutants, occurrence = [], 0
    while (mutant := mutate_code(QUERY, operator, occurrence)) is not None:
        mutants.append(next(line.strip() for line, was in zip(mutant.splitlines(), QUERY.splitlines()) if line != was))
        occurrence += 1
    return mutants


def test_comparisons_in_sql_are_made_strict_or_loose_and_nothing_else():
    # Not <> (not equal), not => (a named argument), not the prose of the definition.
    assert every_mutant(SqlComparisonBoundary()) == [
        "SELECT child_id FROM visits WHERE start_date < CAST(:d AS date) - INTERVAL '30 months'",
        "AND a <> b AND make_interval(months => {12}) >= x AND code = 'E11'\"\"\")",
    ]


def test_numbers_in_sql_move_by_one_but_not_codes_or_prose():
    assert every_mutant(SqlNumberPlusOne()) == [
        "SELECT child_id FROM visits WHERE start_date <= CAST(:d AS date) - INTERVAL '31 months'"]
    assert every_mutant(SqlNumberMinusOne()) == [
        "SELECT child_id FROM visits WHERE start_date <= CAST(:d AS date) - INTERVAL '29 months'"]


def test_python_numbers_move_but_not_a_kpis_place_in_its_list():
    assert every_mutant(PythonNumber()) == ["AND a <> b AND make_interval(months => { 13}) > x AND code = 'E11'\"\"\")",
                                            "AND a <> b AND make_interval(months => { 11}) > x AND code = 'E11'\"\"\")"]
