"""Composition root. Run with `uvicorn --factory leaving_care_service.main:create_app`."""

import care_register
from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from leaving_care_service.api import router
from leaving_care_service.settings import Settings


def create_app(settings: Settings | None = None):
    runtime = (
        ServiceRuntime(settings or Settings())
        .publish_events()
        .consume_events([care_register.PLACEMENTS_TOPIC], care_register.learn)
    )
    return create_service_app(runtime, "Leaving-care service", lambda app: app.include_router(router))
