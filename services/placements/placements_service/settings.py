from pathlib import Path

from backbone.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "placements"
    # The council's local authority code (ONS, e.g. E08000034): a placement elsewhere is outside its boundary.
    council_la_code: str | None = None
    # A council's own postcode lookup (CSV: pcd, oseast1m, osnrth1m, laua) instead of the packaged ONS data.
    postcode_file: Path | None = None
