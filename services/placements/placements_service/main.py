"""Composition root: settings, runtime and routes wired together. Run with `uvicorn --factory placements_service.main:create_app`."""

from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from placements_service.api import router
from placements_service.settings import Settings


def create_app(settings: Settings | None = None):
    runtime = ServiceRuntime(settings or Settings()).publish_events()
    return create_service_app(runtime, "Placements service", lambda app: app.include_router(router))

