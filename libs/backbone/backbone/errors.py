"""Bad input answers 422 in FastAPI's own shape: which field, and why. A record that refers to something
this service has not learnt of yet answers 503 with Retry-After, in the same shape: retry, do not drop it."""

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class InputError(Exception):
    """A request that is well-formed but contradicts the rules or what is stored (e.g. an unknown child)."""

    def __init__(self, field: str, reason: str, location: str = "body"):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.location = field, reason, location

    def as_detail(self) -> dict:
        return {"loc": [self.location, self.field], "msg": self.reason, "type": "value_error"}


EXCERPT = 80  # characters of a refused value echoed back: enough to recognise it, never the whole of it


async def validation_error_handler(_: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 (field and reason), with each refused input cut to a short excerpt."""
    detail = []
    for problem in error.errors():
        problem = {k: v for k, v in problem.items() if k in ("type", "loc", "msg", "input")}
        loc = tuple(problem.get("loc", ()))
        if len(loc) < 2 or loc[:2] == ("path", "child_id"):
            problem.pop("input", None)  # the whole body, or what may be a real identifier: never echoed
        value = problem.get("input")
        if value is not None and not isinstance(value, (int, float, bool)):
            text = value if isinstance(value, str) else repr(value)
            text = text if len(text) <= EXCERPT else text[:EXCERPT] + "…"
            # A NUL or a lone surrogate is why it was refused: show it escaped, never let it break the answer.
            problem["input"] = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
        detail.append(problem)
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(detail)})


async def input_error_handler(_: Request, error: InputError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [error.as_detail()]})


class NotKnownYet(Exception):
    """The record refers to something another service records and this one learns from its events (e.g. a
    child's period of care), and it has not arrived here yet. Not the partner's fault, and not final."""

    retry_after_seconds = 5

    def __init__(self, field: str, reason: str, location: str = "path"):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.location = field, reason, location


async def not_known_yet_handler(_: Request, error: NotKnownYet) -> JSONResponse:
    detail = {"loc": [error.location, error.field], "msg": error.reason, "type": "not_known_yet"}
    return JSONResponse(status_code=503, content={"detail": [detail]},
                        headers={"Retry-After": str(error.retry_after_seconds)})


NOT_KNOWN_YET_RESPONSE = {503: {
    "description": "The record refers to a child this service has not learnt of yet from the council's case "
                   "system (it learns them from the placements events, usually within a second). Nothing was "
                   "stored. Retry the same request, with the same Idempotency-Key, after Retry-After seconds; "
                   "a child the case system never recorded keeps getting this answer.",
    "headers": {"Retry-After": {"description": "Seconds to wait before retrying.", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}},
}}


class Conflict(InputError):
    """The database refused a state the rules forbid, written by a concurrent request: 409, retry after reading."""


async def conflict_handler(_: Request, error: Conflict) -> JSONResponse:
    return JSONResponse(status_code=409, content={"detail": [{**error.as_detail(), "type": "conflict"}]})
