"""The KPI API for reports, dashboards and work lists. Everything is derived from the KPI registry."""

from datetime import date

from dateutil.relativedelta import relativedelta
from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import text

from backbone.audit import record_access
from backbone.auth import ApiClient, require_scope
from backbone.clock import today
from backbone.errors import InputError
from backbone.requests import RequiredPurpose

from indicators_service.calendars import FIRST_DAY
from indicators_service.kpis.definition import Kpi
from indicators_service.kpis.registry import KPIS, WORKLISTS

router = APIRouter(tags=["kpis"])
READ = "kpis:read"
CHILDREN = "kpis:children"  # the children behind a figure: pseudonymous, but about individual children

AsOf = Query(None, ge=FIRST_DAY, description="Compute as of this date (YYYY-MM-DD, not in the future); default today.")


def _as_of(as_of: date | None, field: str = "as_of") -> date:
    if as_of is not None and as_of > today():
        raise InputError(field, "must not be in the future: KPIs are computed from what has happened", "query")
    return as_of or today()


def _kpi(kpi_id: str) -> Kpi:
    if kpi_id not in KPIS:
        raise HTTPException(404, "unknown KPI: GET /kpis lists them")  # neither echoes the input nor lists them
    return KPIS[kpi_id]


def _described(request: Request, kpi: Kpi, value: dict) -> dict:
    """The figure with what it means and what it is compared with (target, red/amber/green, benchmarks)."""
    target = request.app.state.targets.get(kpi.id)
    compared = target.as_json(value["value"]) if target else {"target": None, "rag": None, "benchmarks": []}
    return {**value, "title": kpi.title, "domain": kpi.domain, "direction": kpi.direction.value, **compared}


@router.get("/kpis")
async def all_kpis(request: Request, as_of: date | None = AsOf, client: ApiClient = require_scope(READ)) -> list[dict]:
    """Every KPI as of a date: [{id, value, numerator, denominator, as_of, unit, title, domain, direction,
    target, rag, benchmarks}], with ``breakdown`` and ``reported_separately`` where the KPI has them, and
    ``gap`` (why value, numerator and denominator are null) where the KPI's calendar does not cover the date."""
    day, engine = _as_of(as_of), request.app.state.engine
    async with request.app.state.runtime.sessions() as session:
        return [_described(request, KPIS[v.id], v.as_json()) for v in await engine.all(session, day)]


def _computable(request: Request, kpi: Kpi, day: date) -> None:
    """422 for a date the KPI's calendar does not cover: no figure from half a calendar."""
    if reason := request.app.state.engine.gap(kpi, day):
        raise InputError("as_of", reason, "query")


@router.get("/kpis/{kpi_id}")
async def one_kpi(kpi_id: str, request: Request, as_of: date | None = AsOf, client: ApiClient = require_scope(READ)) -> dict:
    kpi, day = _kpi(kpi_id), _as_of(as_of)
    _computable(request, kpi, day)
    async with request.app.state.runtime.sessions() as session:
        return _described(request, kpi, (await request.app.state.engine.value(session, kpi, day)).as_json())


@router.get("/kpis/{kpi_id}/children")
async def children_behind(kpi_id: str, request: Request, purpose: RequiredPurpose, as_of: date | None = AsOf,
                          client: ApiClient = require_scope(CHILDREN)) -> list[dict]:
    """The children behind the figure, one row each (a row per item where a child can count twice, e.g. two
    periods of care): child_id, in_denominator, in_numerator, reason, and the breakdown column. The call is
    audited: who, which KPI, which date, why, and which children it disclosed."""
    kpi, day = _kpi(kpi_id), _as_of(as_of)
    _computable(request, kpi, day)
    async with request.app.state.runtime.sessions() as session, session.begin():
        rows = await request.app.state.engine.children(session, kpi, day)
        record_access(session, client, "read", f"kpi-children:{kpi.id}:{day.isoformat()}", None, purpose,
                      child_ids=sorted({row["child_id"] for row in rows}))
    return rows


@router.get("/kpis/{kpi_id}/history")
async def history(kpi_id: str, request: Request,
                  start: date | None = Query(None, alias="from", ge=FIRST_DAY, description="First month (YYYY-MM-DD); default 12 months before `to`."),
                  end: date | None = Query(None, alias="to", ge=FIRST_DAY, description="Last month (YYYY-MM-DD); default today."),
                  client: ApiClient = require_scope(READ)) -> dict:
    """Month-end values: {id, unit, months: [{month_end, value, numerator, denominator, ...}]}."""
    kpi, end = _kpi(kpi_id), _as_of(end, "to")
    start = start or end - relativedelta(months=12)
    if start > end:
        raise InputError("from", "must not be after `to`", "query")
    async with request.app.state.runtime.sessions() as session:
        rows = (await session.exec(text("""
            SELECT month_end, value, numerator, denominator, reported_separately, breakdown FROM kpi_history
            WHERE kpi_id = :kpi AND month_end BETWEEN :start AND :end ORDER BY month_end
        """).bindparams(kpi=kpi.id, start=start, end=end))).all()
    months = []
    for row in rows:
        month = {"month_end": row.month_end.isoformat(), "value": row.value, "numerator": row.numerator,
                 "denominator": row.denominator}
        if kpi.breakdown:
            month["breakdown"] = row.breakdown
        if kpi.separately:
            month["reported_separately"] = row.reported_separately
        months.append(month)
    return {"id": kpi.id, "unit": kpi.unit.value, "months": months}


# A partner reads the work lists its own records close (the health provider the health lists...): one scope
# per list, so a client holding none of them is refused outright and one holding another list's is refused it.
LIST_SCOPES = sorted({work_list.scope for work_list in WORKLISTS.values()})
DueWithin = Query(None, ge=0, le=3660, description="Only items due within this many days of as_of (and those "
                                                     "overdue); default every open item.")


@router.get("/worklists")
async def work_lists(client: ApiClient = require_scope(*LIST_SCOPES)) -> list[dict]:
    """The work lists this client may read: [{id, title, kpi, domain, definition}]."""
    return [{"id": w.id, "title": w.title, "kpi": w.kpi, "domain": KPIS[w.kpi].domain, "definition": w.definition}
            for w in WORKLISTS.values() if w.scope in client.scopes]


@router.get("/worklists/{list_id}")
async def work_list(list_id: str, request: Request, purpose: RequiredPurpose, as_of: date | None = AsOf,
                    due_within: int | None = DueWithin, client: ApiClient = require_scope(*LIST_SCOPES)) -> dict:
    """The children on a work list as of a date, soonest due first: {id, title, as_of, due_within, children:
    [{child_id, due_date, days_left (negative once overdue), overdue, reason}]}. Audited: who, which list,
    which date, why."""
    if list_id not in WORKLISTS:
        raise HTTPException(404, "unknown work list: GET /worklists lists them")
    listed, day = WORKLISTS[list_id], _as_of(as_of)
    if listed.scope not in client.scopes:
        raise HTTPException(403, "this client is not allowed to do this")  # as require_scope: names no scope
    async with request.app.state.runtime.sessions() as session, session.begin():
        rows = await request.app.state.engine.work_list(session, listed, day, due_within)
        record_access(session, client, "read", f"worklist:{listed.id}:{day.isoformat()}", None, purpose)
    return {"id": listed.id, "title": listed.title, "as_of": day.isoformat(), "due_within": due_within,
            "children": [{**row, "due_date": row["due_date"].isoformat()} for row in rows]}
