"""Backward-compatibility rules for changes to an existing schema version.

Once a schema version is published, events of that version sit in the topics for ever and consumers
are written against it. So a change to the same version must keep (a) every event that was valid
still valid (replay) and (b) every event now valid readable by a consumer written for the old one.
In practice only these changes are allowed: adding an optional property, and editing titles and
descriptions. Anything else needs a new version of the type (``.v2``) published beside the old one.
"""

from typing import Any

# Keywords that only document; changing them never breaks anyone.
_ANNOTATIONS = {"title", "description", "$comment", "examples"}


def breaking_changes(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[str]:
    """Reasons why ``new`` is not a backward-compatible edit of ``old`` (empty if it is)."""
    problems: list[str] = []
    here = where or "(root)"
    for keyword in sorted((set(old) | set(new)) - _ANNOTATIONS - {"properties", "required"}):
        if old.get(keyword) != new.get(keyword):
            problems.append(f"{here}: '{keyword}' changed from {old.get(keyword)!r} to {new.get(keyword)!r}")

    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(new_required - old_required):
        problems.append(f"{here}: '{name}' became required (older events lack it)")
    for name in sorted(old_required - new_required):
        problems.append(f"{here}: '{name}' is no longer required (consumers rely on it)")

    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(old_props):
        path = f"{where}/{name}"
        if name not in new_props:
            problems.append(f"{path}: property removed")
        else:
            problems.extend(breaking_changes(old_props[name], new_props[name], path))
    # A new property is allowed only when it is optional (checked above through 'required').
    return problems
