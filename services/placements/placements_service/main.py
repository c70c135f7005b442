"""Composition root: settings, runtime and routes wired together. Run with `uvicorn --factory placements_service.main:create_app`."""

from backbone.http import create_service_app
from backbone.record_kinds import write_routers
from backbone.runtime import ServiceRuntime

from placements_service import geography, households
from placements_service.api import WRITE, router
from placements_service.child_records import KNOWN_CHILD
from placements_service.commands import OPERATIONS
from placements_service.records import RECORDS
from placements_service.settings import Settings


def create_app(settings: Settings | None = None):
    settings = settings or Settings()
    geography.configure(settings.postcode_file, settings.council_la_code)
    runtime = ServiceRuntime(settings).publish_events()

    def configure(app):
        for writes in write_routers("placements", KNOWN_CHILD, OPERATIONS, RECORDS, WRITE):
            app.include_router(writes)
        app.include_router(router)
        app.include_router(households.router)

    return create_service_app(runtime, "Placements service", configure)
