"""The registry is the one list of KPIs: the catalogue page is generated from it (the dashboards: tests/infra)."""

from indicators_service.kpis import catalogue
from indicators_service.kpis.definition import Unit
from indicators_service.kpis.registry import KPIS


def test_every_kpi_module_declares_what_the_engine_needs():
    assert len(KPIS) >= 6
    for kpi in KPIS.values():
        assert kpi.domain in ("placements", "health", "education", "leaving-care"), kpi.id
        assert kpi.sources and kpi.title and kpi.definition, kpi.id
        assert (kpi.unit is Unit.RATE_PER_10K) == (kpi.denominator_setting is not None), kpi.id
        for column in ("child_id", "in_denominator", "in_numerator", "reason", *([kpi.breakdown] if kpi.breakdown else [])):
            assert column in kpi.query, (kpi.id, column)


def test_the_committed_catalogue_page_is_generated_from_the_registry():
    page = catalogue.OUTPUT.read_text()
    assert page == catalogue.render(), "run: python -m indicators_service.kpis.catalogue"
    for kpi_id in KPIS:
        assert f"| `{kpi_id}` |" in page
