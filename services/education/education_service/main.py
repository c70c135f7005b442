"""Composition root. Run with `uvicorn --factory education_service.main:create_app`."""

import care_register

from education_service.records import OPERATIONS, RECORDS
from education_service.settings import Settings


def create_app(settings: Settings | None = None):
    return care_register.service_app("Education service", "education", settings or Settings(), OPERATIONS, RECORDS,
                                     "education:write")
