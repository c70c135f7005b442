"""What a KPI is: a declaration and one SQL query that returns a row per child in its population as of D.

Everything else (its value, numerator and denominator, breakdowns, the children behind it, its month-end
history, its gauges, its dashboard panel and its line in the catalogue) is derived from this by the engine,
so the figure and the list of children behind it can never disagree. Standard library only: the dashboard
and catalogue builders read these declarations without a database.

The query's columns, in this order:
    child_id        text      pseudonymous id (a child may have several rows, e.g. one per period of care)
    in_denominator  boolean   false: outside the percentage but reported separately (``separately`` says why)
    in_numerator    boolean   only counted where in_denominator
    reason          text      why, in words a manager can act on ("4 placements in the 12 months")
    <breakdown>     text      only when the KPI declares one: the group the row belongs to
    days            integer   only for a MEAN_DAYS KPI: the row's number of days
    <tally>         boolean   each of the KPI's ``tallies``

The tables it reads (``sources``: a change to one refreshes the KPI's gauges and history) are the names its
query puts after FROM or JOIN, less its own WITH parts: never listed by hand, so never forgotten.

Bind parameters: ``:d`` (the as-of date), ``:window_start`` (D minus 12 months plus a day) and each setting
named in ``settings``. Calendars are tables the query joins (``calendar_days``: see ../calendars.py).
"""

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property


class Unit(str, Enum):
    PERCENT = "percent"  # numerator ÷ denominator × 100, 1 decimal; no value when the denominator is 0
    COUNT = "count"  # the number of rows in the numerator
    RATE_PER_10K = "rate_per_10k"  # numerator ÷ a configured population × 10,000
    # The mean of the query's ``days`` column over the denominator's rows (e.g. the Adoption Scorecard's
    # A1), 1 decimal; the numerator counts the rows within the KPI's threshold (``in_numerator``).
    MEAN_DAYS = "mean_days"


class Direction(str, Enum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    NEITHER = "neither"  # a count that describes demand (children looked after), not performance


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str
    domain: str  # placements, health, education, leaving-care
    unit: Unit
    direction: Direction
    definition: str  # the national definition in a sentence (the catalogue in docs/kpis.md is built from it)
    query: str
    settings: tuple[str, ...] = ()  # indicators settings bound into the query by name
    breakdown: str | None = None  # name of the breakdown column, if the catalogue asks for one
    # True: each group's figure is its share of the whole population (its numerator rows ÷ the whole
    # denominator: a mix that adds up to 100 %); False: the KPI worked out within the group.
    breakdown_of_total: bool = False
    separately: str | None = None  # what rows outside the denominator are, if the query returns any
    # Boolean columns the query also returns, each counted over all its rows and reported beside the figure
    # (e.g. approved_in_the_12_months): flows a stock figure needs, named as they read.
    tallies: tuple[str, ...] = ()
    item: str = "children"  # what a row of the query is (a count KPI's figure reads "192 households")
    denominator_setting: str | None = None  # RATE_PER_10K: the setting holding the population
    reference: str = ""  # where the definition comes from
    position: int = 100  # where it stands in its domain's list (report, dashboards, catalogue); then by id
    # A KPI counting school days: how many days before its 12-month window its query reads them (a due date
    # counts from a record that old). It is not computed as of a date the school calendar does not cover
    # from there (calendars.SchoolCalendar). None: it counts no school days.
    school_days_look_back: int | None = None

    @cached_property
    def sources(self) -> tuple[str, ...]:
        """The tables the query reads (tests/test_projections.py: each a projection or the calendar)."""
        return tables_read(self.query)


# Neither a comment nor a reason's words ("miles from home") are SQL; comments first (an apostrophe in one).
_COMMENT, _LITERAL = re.compile(r"--[^\n]*"), re.compile(r"'[^']*'")
# A name after FROM or JOIN, unless it calls a function or names a column (extract(day FROM age(...)),
# extract(day FROM p.start_date)) or ends IS DISTINCT FROM. extract(<field> FROM ...) never reads a table, so it
# goes first (extract(year FROM date_of_birth) names a bare column).
_EXTRACT = re.compile(r"\bextract\s*\(\s*\w+\s+FROM\b", re.IGNORECASE)
_READ = re.compile(r"(?<!DISTINCT )\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b(?!\s*\(|\.)", re.IGNORECASE)
_WITH_PART = re.compile(r"\b([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(", re.IGNORECASE)


def tables_read(query: str) -> tuple[str, ...]:
    sql = _EXTRACT.sub("extract(", _LITERAL.sub("''", _COMMENT.sub("", query)))
    return tuple(sorted(set(_READ.findall(sql)) - set(_WITH_PART.findall(sql))))


@dataclass(frozen=True)
class WorkList:
    """The children a partner must act for before a deadline a KPI counts, each with the day it falls due:
    declared beside that KPI, in its module, as ``WORK_LIST``. The engine lists the items not done whose due
    date is known (kpis/engine.py: due within N days of D, and those overdue).

    ``population``, ``due``, ``done`` and ``reason`` are SQL: ``population`` a query of one row per item as of
    ``:d`` (a period of care, a notification, a child looked after), with ``child_id`` and the columns the
    others read as ``item.<column>``; ``due`` its due date (the shared rules of kpis/due_dates.py); ``done``
    true once what closes the item is recorded by D (None where recording it moves the next due date on
    instead: a visit, a review); ``reason`` what is due, in words (it may read ``item.due_date``)."""
    id: str
    title: str
    kpi: str  # the KPI whose deadline this is (its module declares the list)
    scope: str  # the scope a client needs to read it: the partner whose records close its items
    definition: str  # who is on it and when they fall due, in a sentence
    population: str
    due: str
    reason: str
    done: str | None = None
    settings: tuple[str, ...] = ()  # indicators settings bound into the SQL by name

    @property
    def query(self) -> str:
        """One row per item open on D: child_id, due_date, reason."""
        return f"""
            SELECT item.child_id, item.due_date, {self.reason} AS reason
            FROM (SELECT item.*, {self.due} AS due_date FROM ({self.population}) item
                  {f"WHERE NOT ({self.done})" if self.done else ""}) item
            WHERE item.due_date IS NOT NULL
        """

    @cached_property
    def sources(self) -> tuple[str, ...]:
        return tables_read(self.query)
