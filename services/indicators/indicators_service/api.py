"""The KPI API for reports and dashboards."""

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request

from backbone.auth import ApiClient, require_scope
from backbone.clock import today

from indicators_service.kpis import KPIS, compute, compute_all

router = APIRouter(tags=["kpis"])
READ = "kpis:read"
# The KPIs look back up to 3 years (adoption) and ahead to due dates: bounded so date arithmetic cannot overflow.
AsOf = Query(None, ge=date(1990, 1, 1), le=date(2100, 12, 31), description="Compute as of this date (YYYY-MM-DD); default today.")


@router.get("/kpis")
async def all_kpis(request: Request, as_of: date | None = AsOf, client: ApiClient = require_scope(READ)) -> list[dict]:
    """Every KPI as of a date: [{id, value, numerator, denominator, as_of, unit}]."""
    kpis = request.app.state.kpis
    async with request.app.state.runtime.sessions() as session:
        return [k.as_json() for k in await compute_all(session, as_of or today(), kpis.context)]


@router.get("/kpis/{kpi_id}")
async def one_kpi(kpi_id: str, request: Request, as_of: date | None = AsOf, client: ApiClient = require_scope(READ)) -> dict:
    if kpi_id not in KPIS:
        raise HTTPException(404, "unknown KPI: GET /kpis lists them")  # neither echoes the input nor lists them
    kpis = request.app.state.kpis
    async with request.app.state.runtime.sessions() as session:
        return (await compute(session, kpi_id, as_of or today(), kpis.context)).as_json()
