"""The board report as the board sees it: the page opened in a real headless browser (Debian's chromium,
installed by `make tools`) and the PDF read back. Every KPI in the registry is on both."""

import re
import shutil
import subprocess
import time
import uuid
from datetime import timedelta
from io import BytesIO

import pypdf
import pytest

from backbone.clock import today
from devstack.partners import Partner
from indicators_service.kpis.registry import KPIS
from indicators_service.reports.board import DOMAIN_TITLES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def reader(stack):
    """The performance team, once the case system has recorded at least one child (a report needs data)."""
    case = Partner(stack.url("placements"), "case-system")
    case.post_ok(f"/children/T-report-{uuid.uuid4().hex[:8]}/care-periods", {
        "date_of_birth": "2014-02-01", "start_date": (today() - timedelta(days=90)).isoformat(), "legal_status": "C2"})
    case.close()
    partner = Partner(stack.url("indicators"), "performance-team", timeout=60)
    deadline = time.monotonic() + 10
    while "no-data" in partner.get("/reports/board", month=today().strftime("%Y-%m")).text and time.monotonic() < deadline:
        time.sleep(0.2)
    yield partner
    partner.close()


def chromium() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("chromium is not on PATH: run `make tools` (Debian package chromium)", pytrace=False)
    return path


def test_every_kpi_figure_is_on_the_page_a_browser_renders(reader, tmp_path):
    month = today().strftime("%Y-%m")
    response = reader.get("/reports/board", month=month)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = tmp_path / "board.html"
    page.write_text(response.text)
    assert not re.search(r'<(script|link)\b|src="http', response.text)  # nothing fetched at view time
    dom = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    figures = {k["id"]: k for k in reader.get("/kpis").json()}
    for kpi_id, kpi in KPIS.items():
        card = re.search(rf'<article class="kpi" id="kpi-{kpi_id}">(.*?)</article>', dom, re.S)
        assert card, f"{kpi_id} is not on the report"
        value = figures[kpi_id]["value"]
        shown = "no data" if value is None else (f"{value:.1f}%" if kpi.unit.value == "percent"
                                                 else f"{value:,.1f}" if kpi.unit.value == "rate_per_10k" else f"{value:,.0f}")
        assert f'<span class="figure">{shown}</span>' in card.group(1), kpi_id
        assert "<svg" in card.group(1), f"{kpi_id} has no trend chart"
    screenshot = tmp_path / "board.png"
    subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600",
                    f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert screenshot.stat().st_size > 20_000  # a page was drawn, not a blank


def test_the_pdf_has_a_summary_page_and_a_page_per_domain(reader):
    response = reader.get("/reports/board", month=today().strftime("%Y-%m"), format="pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = pypdf.PdfReader(BytesIO(response.content))
    domains = {k.domain for k in KPIS.values()}
    assert len(pdf.pages) >= 1 + len(domains)
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for kpi in KPIS.values():
        assert kpi.title in text, kpi.id
    for domain in domains:
        assert DOMAIN_TITLES[domain] in text


@pytest.mark.parametrize("month, reason", [
    ("2026-13", "YYYY-MM"), ("March", "YYYY-MM"), ("1989-12", "1990"),
    ((today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m"), "future"),
])
def test_a_bad_or_future_month_is_refused_with_the_reason(reader, month, reason):
    response = reader.get("/reports/board", month=month)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "month"] and reason in response.json()["detail"][0]["msg"]


def test_a_month_before_the_earliest_record_says_so(reader):
    response = reader.get("/reports/board", month="1995-01")
    assert response.status_code == 200 and 'id="no-data"' in response.text
