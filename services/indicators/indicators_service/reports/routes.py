"""GET /reports/board: the board report for a month, as a page or as PDF."""

import asyncio
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from backbone.auth import ApiClient, require_scope
from backbone.clock import today
from backbone.errors import InputError

from indicators_service.reports.board import build, last_month, parse_month, render_html, render_pdf

router = APIRouter(tags=["reports"])


@router.get("/reports/board", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "The report"}})
async def board_report(request: Request,
                       month: str | None = Query(None, max_length=7, description="YYYY-MM; default last month."),
                       format: Literal["html", "pdf"] = Query("html", description="html (a page) or pdf"),
                       client: ApiClient = require_scope("kpis:read")) -> Response:
    """The Corporate Parenting Board report: aggregate figures only, no child is named."""
    now = today()
    month = month or last_month(now)
    try:
        first, as_of = parse_month(month, now)
    except ValueError as reason:
        raise InputError("month", str(reason), "query") from None
    async with request.app.state.runtime.sessions() as session:
        report = await build(session, request.app.state.engine, request.app.state.targets, first, as_of)
    html = render_html(report, now)
    if format == "pdf":
        pdf = await asyncio.to_thread(render_pdf, html)  # seconds of CPU: off the event loop
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="board-report-{report.month}.pdf"'})
    return HTMLResponse(html)
