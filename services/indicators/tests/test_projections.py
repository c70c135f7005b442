"""Projections are declared once (projections.py) and everything else follows from the declarations: each
column against the contract of every event that feeds it, and each KPI's sources from its query."""

import pytest
import sqlalchemy as sa

from event_contracts import all_event_types, load_schema
from indicators_service.kpis.definition import tables_read
from indicators_service.kpis.registry import KPIS
from indicators_service.projections import PROJECTIONS

# The JSON Schema type each column type is published as (a date: "string" with format "date").
JSON_TYPES = [(sa.Boolean, "boolean"), (sa.Integer, "integer"), (sa.Float, "number"), (sa.Date, "string"),
              (sa.Time, "string"), (sa.String, "string")]


def json_type(column: sa.Column) -> str:
    stored = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type  # sqlmodel's AutoString
    return next(name for sql_type, name in JSON_TYPES if isinstance(stored, sql_type))
FEEDS = [(p.table.name, event_type) for p in PROJECTIONS.values() for event_type in p.events]


@pytest.mark.parametrize("table, event_type", FEEDS)
def test_every_column_is_a_property_of_each_event_that_feeds_it_with_its_type_and_nullability(table, event_type):
    assert event_type in all_event_types(), f"{table} is fed by {event_type}, which has no contract"
    schema = load_schema(event_type)
    for column in PROJECTIONS[table].table.columns:
        where = f"{table}.{column.name} from {event_type}"
        assert column.name in schema["properties"], f"{where}: no such property"
        rule = schema["properties"][column.name]
        types = rule["type"] if isinstance(rule["type"], list) else [rule["type"]]
        expected = json_type(column)
        assert expected in types or (expected == "number" and "integer" in types), f"{where}: {types}"
        assert isinstance(column.type, sa.Date) == (rule.get("format") == "date"), f"{where}: a date is format date"
        may_be_missing = "null" in types or column.name not in schema["required"]
        assert may_be_missing == column.nullable, f"{where}: nullable {column.nullable}, the contract {types}"


def test_the_key_of_every_projection_is_required_by_every_event_that_feeds_it():
    for table, event_type in FEEDS:
        key = PROJECTIONS[table].key
        assert key in load_schema(event_type)["required"], (table, event_type)


# The sources each KPI listed by hand before they were derived from its query (the last hand-written lists).
LISTED = {
    "cla_count": ('care_periods', 'legal_status_changes'),
    "cla_rate_per_10k": ('care_periods', 'legal_status_changes'),
    "cla_started_12m": ('care_periods',),
    "cla_ceased_12m": ('care_periods', 'legal_status_changes'),
    "adopted_pct_of_ceased": ('care_periods', 'legal_status_changes'),
    "placement_stability_3plus": ('care_periods', 'legal_status_changes', 'placements'),
    "placement_stability_long_term": ('care_periods', 'legal_status_changes', 'placements'),
    "placement_type_mix": ('care_periods', 'legal_status_changes', 'placements'),
    "placed_outside_20_miles": ('care_periods', 'legal_status_changes', 'placements'),
    "missing_children_12m": ('care_periods', 'missing_episodes'),
    "missing_episodes_12m": ('care_periods', 'missing_episodes'),
    "rhi_within_72h": ('missing_episodes',),
    "social_worker_changes_12m": ('care_periods', 'legal_status_changes', 'social_worker_allocations'),
    "reviews_on_time": ('calendar_days', 'care_periods', 'legal_status_changes', 'placements', 'reviews'),
    "visits_on_time": ('care_periods', 'legal_status_changes', 'placements', 'visits'),
    "cla_convicted_12m": ('care_periods', 'convictions', 'legal_status_changes'),
    "adoption_a1_days": ('care_periods', 'placements'),
    "adoption_a2_days": ('adoptions', 'care_periods', 'placements'),
    "foster_households": ('foster_household_approvals',),
    "iha_within_20_working_days": ('calendar_days', 'care_periods', 'initial_health_assessments'),
    "pep_initial_on_time": ('calendar_days', 'care_periods', 'initial_peps', 'virtual_school_notifications'),
    # The leaving-care KPIs listed the tables of the derived care-leaver population (populations.CARE_LEAVERS_AT_D)
    # and their own. (The annual OC3 readings listed continuing_support too, which their query never reads.)
    **{kpi: tuple(sorted(("care_periods", "legal_status_changes", "care_leaver_statuses", "care_leaver_contacts",
                          "continuing_support", *own)))
       for kpi, own in [("pa_allocated", ["adviser_allocations"]), ("care_leavers_in_touch", []),
                        ("care_leavers_suitable_accommodation", ["care_leaver_accommodation"]),
                        ("care_leavers_eet", ["care_leaver_activities"]), ("pathway_plan_current", ["pathway_plans"]),
                        ("staying_put", ["placements", "staying_put_arrangements"])]},
}


def test_the_sources_derived_from_each_query_are_those_that_were_listed_by_hand():
    assert {kpi.id: kpi.sources for kpi in KPIS.values() if kpi.id in LISTED} == LISTED


def test_every_table_a_kpi_reads_is_a_projection_or_the_calendar():
    readable = {*PROJECTIONS, "calendar_days"}
    for kpi in KPIS.values():
        assert set(kpi.sources) <= readable, (kpi.id, set(kpi.sources) - readable)


def test_the_tables_read_are_those_after_from_or_join_and_not_its_own_parts_words_or_functions():
    query = """WITH cla AS (SELECT child_id FROM care_periods), -- the child's period
               moved AS NOT MATERIALIZED (SELECT 1)
               SELECT extract(year FROM age(:d, x.born)), extract(day FROM x.born), 'miles from home', a IS DISTINCT FROM b
               FROM cla JOIN placements p USING (child_id) LEFT JOIN calendar_days c ON true
               WHERE EXISTS (SELECT 1 FROM visits v) AND y IN (SELECT 1 FROM moved)"""
    assert tables_read(query) == ("calendar_days", "care_periods", "placements", "visits")


@pytest.mark.integration
async def test_the_migrations_made_every_projection_table_with_its_declared_columns(sessions):
    async with sessions() as session:
        rows = (await session.exec(sa.text(
            "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns "
            "WHERE table_schema = 'public'"))).all()
    migrated = {(table, column): nullable for table, column, nullable in rows}
    for name, declared in PROJECTIONS.items():
        columns = {(name, c.name): c.nullable for c in declared.table.columns}
        assert {k: v for k, v in migrated.items() if k[0] == name} == columns, name
