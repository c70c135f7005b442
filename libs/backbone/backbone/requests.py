"""Request pieces every partner-facing endpoint shares."""

import re
from typing import Annotated

from fastapi import Header, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

# Shapes of real identifiers that must never be used as the pseudonymous id: an NHS number (10 digits,
# often written 3-3-4) and a Unique Pupil Number (a letter, 11 digits, then a digit or a letter).
_REAL_IDENTIFIERS = {
    "an NHS number": re.compile(r"\d{3}[-_]?\d{3}[-_]?\d{4}"),
    "a Unique Pupil Number": re.compile(r"[A-Za-z]\d{11}[0-9A-Za-z]"),
}


# The council's own pseudonymous id format (CHILD_ID_PATTERN, set by the service at start-up): when set, an
# id must match it as well (e.g. "^KIR[0-9]{7}$"); the real-identifier shapes are refused either way.
_council_format: re.Pattern | None = None


def configure_child_id_format(pattern: str | None) -> None:
    global _council_format
    _council_format = re.compile(pattern) if pattern else None


def _not_a_real_identifier(child_id: str) -> str:
    for name, shape in _REAL_IDENTIFIERS.items():
        if shape.fullmatch(child_id):
            raise ValueError(f"looks like {name}: use the pseudonymous id the council assigned")
    if _council_format and not _council_format.fullmatch(child_id):
        raise ValueError("is not in the council's pseudonymous id format")
    return child_id


ChildId = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The pseudonymous child id shared with partners; never a name, "
         "an NHS number or a Unique Pupil Number (those shapes are refused)."),
    AfterValidator(_not_a_real_identifier),
]
# The id of a record this system issued (a period of care, a placement, an allocation).
RecordId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="The id this service gave the record.")]
IdempotencyKey = Annotated[
    str,
    Header(alias="Idempotency-Key", min_length=8, max_length=128, description="Client-chosen key: a retry with the same key creates nothing new."),
]
Purpose = Annotated[
    str | None, Header(alias="X-Purpose", max_length=200, description="Why the record is accessed; kept in the audit log."),
]
# Reading a child's record needs a reason, kept with the access in the audit log.
RequiredPurpose = Annotated[
    str, Header(alias="X-Purpose", min_length=3, max_length=200,
                description="Why the child's record is read (required); kept in the audit log."),
]


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # a NUL, or half of a surrogate pair


class StrictBody(BaseModel):
    """Unknown fields are refused, so nothing unexpected (a name, an address) is stored or published by mistake."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value):
        # PostgreSQL cannot store a NUL, nor UTF-8 encode a lone surrogate: refuse them here (422), not at commit (500).
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise ValueError("contains a NUL or an unpaired surrogate")
        return value
