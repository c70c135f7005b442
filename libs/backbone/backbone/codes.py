"""Code lists come from the event contracts, so an API and the events it publishes accept the same codes."""

from typing import Literal

import event_contracts


def code_list(event_type: str, field: str):
    """A Literal type of the codes the contract allows for ``field`` (null excluded)."""
    codes = tuple(c for c in event_contracts.load_schema(event_type)["properties"][field]["enum"] if c is not None)
    return Literal[codes]  # type: ignore[valid-type]
