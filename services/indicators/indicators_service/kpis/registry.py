"""Every KPI module under this package, found by walking it: adding a KPI is adding its module (and its test)."""

import importlib
import pkgutil

from indicators_service import kpis as _package
from indicators_service.kpis.definition import Kpi

DOMAINS = ("placements", "health", "education", "leaving_care")


def _discover() -> dict[str, Kpi]:
    found: dict[str, Kpi] = {}
    for domain in DOMAINS:
        package = importlib.import_module(f"{_package.__name__}.{domain}")
        for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            kpi = importlib.import_module(f"{package.__name__}.{module}").KPI
            if kpi.id != module or kpi.id in found:
                raise ValueError(f"KPI module {domain}/{module} declares id {kpi.id!r}: one module per KPI, named by its id")
            found[kpi.id] = kpi
    return dict(sorted(found.items(), key=lambda item: (DOMAINS.index(item[1].domain.replace("-", "_")),
                                                        item[1].position, item[0])))


KPIS: dict[str, Kpi] = _discover()


def affected_by(tables: set[str]) -> list[Kpi]:
    """The KPIs that read any of these projection tables."""
    return [kpi for kpi in KPIS.values() if tables.intersection(kpi.sources)]
