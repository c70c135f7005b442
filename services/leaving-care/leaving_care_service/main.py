"""Composition root. Run with `uvicorn --factory leaving_care_service.main:create_app`."""

import care_register

from leaving_care_service.records import OPERATIONS, RECORDS
from leaving_care_service.settings import Settings


def create_app(settings: Settings | None = None):
    return care_register.service_app("Leaving-care service", "leaving care", settings or Settings(), OPERATIONS, RECORDS,
                                     "leaving-care:write")
