"""Composition root. Run with `uvicorn --factory education_service.main:create_app`."""

import care_register
from backbone.bulk import bulk_router
from backbone.http import create_service_app
from backbone.runtime import ServiceRuntime

from education_service.api import RECORDS, WRITE, router
from education_service.commands import COMMANDS
from education_service.settings import Settings


def create_app(settings: Settings | None = None):
    runtime = (
        ServiceRuntime(settings or Settings())
        .publish_events()
        .consume_events([care_register.PLACEMENTS_TOPIC], care_register.learn, care_register.learn_many)
    )

    def configure(app):
        app.include_router(router)
        app.include_router(bulk_router(COMMANDS, WRITE, "education", RECORDS))

    return create_service_app(runtime, "Education service", configure)
