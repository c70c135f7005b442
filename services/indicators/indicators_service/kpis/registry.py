"""Every KPI module under this package, found by walking it: adding a KPI is adding its module (and its test).
A module may also declare the work list of the KPI's deadline (WORK_LIST), listed here too."""

import importlib
import pkgutil

from indicators_service import kpis as _package
from indicators_service.kpis.definition import Kpi, WorkList

DOMAINS = ("placements", "health", "education", "leaving_care")


def _discover() -> tuple[dict[str, Kpi], dict[str, WorkList]]:
    found: dict[str, Kpi] = {}
    lists: dict[str, WorkList] = {}
    for domain in DOMAINS:
        package = importlib.import_module(f"{_package.__name__}.{domain}")
        for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            declared = importlib.import_module(f"{package.__name__}.{module}")
            kpi = declared.KPI
            if kpi.id != module or kpi.id in found:
                raise ValueError(f"KPI module {domain}/{module} declares id {kpi.id!r}: one module per KPI, named by its id")
            found[kpi.id] = kpi
            if work_list := getattr(declared, "WORK_LIST", None):
                if work_list.kpi != kpi.id or work_list.id in lists:
                    raise ValueError(f"KPI module {domain}/{module}: work list {work_list.id!r} must name its KPI "
                                     "and its id must be unique")
                lists[work_list.id] = work_list
    kpis = dict(sorted(found.items(), key=lambda item: (DOMAINS.index(item[1].domain.replace("-", "_")),
                                                        item[1].position, item[0])))
    return kpis, {w.id: w for w in sorted(lists.values(), key=lambda w: list(kpis).index(w.kpi))}

KPIS, WORKLISTS = _discover()


def affected_by(tables: set[str]) -> list[Kpi]:
    """The KPIs that read any of these projection tables."""
    return [kpi for kpi in KPIS.values() if tables.intersection(kpi.sources)]


def lists_affected_by(tables: set[str]) -> list[WorkList]:
    """The work lists that read any of these tables."""
    return [work_list for work_list in WORKLISTS.values() if tables.intersection(work_list.sources)]
