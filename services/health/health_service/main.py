"""Composition root. Run with `uvicorn --factory health_service.main:create_app`."""

import care_register

from health_service.records import OPERATIONS, RECORDS
from health_service.settings import Settings


def create_app(settings: Settings | None = None):
    return care_register.service_app("Health service", "health", settings or Settings(), OPERATIONS, RECORDS,
                                     "health:write")
