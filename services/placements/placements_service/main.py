"""Composition root: settings, runtime and routes wired together. Run with `uvicorn --factory placements_service.main:create_app`."""

from backbone.bulk import bulk_router
from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from placements_service import geography, households
from placements_service.api import RECORDS, WRITE, router
from placements_service.commands import COMMANDS
from placements_service.settings import Settings


def create_app(settings: Settings | None = None):
    settings = settings or Settings()
    geography.configure(settings.postcode_file, settings.council_la_code)
    runtime = ServiceRuntime(settings).publish_events()

    def configure(app):
        app.include_router(router)
        app.include_router(households.router)
        app.include_router(bulk_router(COMMANDS, WRITE, "placements", RECORDS))

    return create_service_app(runtime, "Placements service", configure)

