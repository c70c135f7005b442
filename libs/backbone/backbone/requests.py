"""Request pieces every partner-facing endpoint shares."""

from typing import Annotated

from fastapi import Header, Path
from pydantic import BaseModel, ConfigDict

ChildId = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The pseudonymous child id shared with partners; never a name or NHS number."),
]
IdempotencyKey = Annotated[
    str,
    Header(alias="Idempotency-Key", min_length=8, max_length=128, description="Client-chosen key: a retry with the same key creates nothing new."),
]
Purpose = Annotated[
    str | None, Header(alias="X-Purpose", max_length=200, description="Why the record is accessed; kept in the audit log."),
]


class StrictBody(BaseModel):
    """Unknown fields are refused, so nothing unexpected (a name, an address) is stored or published by mistake."""

    model_config = ConfigDict(extra="forbid")
