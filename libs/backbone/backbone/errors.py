"""Bad input answers 422 in FastAPI's own shape: which field, and why."""

from fastapi import Request
from fastapi.responses import JSONResponse


class InputError(Exception):
    """A request that is well-formed but contradicts the rules or what is stored (e.g. an unknown child)."""

    def __init__(self, field: str, reason: str, location: str = "body"):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.location = field, reason, location

    def as_detail(self) -> dict:
        return {"loc": [self.location, self.field], "msg": self.reason, "type": "value_error"}


async def input_error_handler(_: Request, error: InputError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [error.as_detail()]})
