"""Schema upcasting: when an event type gets a new version, how the previous version's data becomes it.

Consumers read every event as the newest version of its type. The bytes on a topic never change (topics
are kept forever and replayed), so an event published years ago under v1 is upcast on read, and a replay
gives what the live consumer gave. A new version file ``<name>.v<N+1>.json`` needs an entry here from
``v<N>``: the contract tests fail without one.
"""

from collections.abc import Callable

Upcaster = Callable[[dict], dict]

# "uk.cla.<producer>.<name>.v<N>" -> ("uk.cla.<producer>.<name>.v<N+1>", function of the v<N> data)
UPCASTERS: dict[str, tuple[str, Upcaster]] = {
    # v2 only widens reason_ceased (E43 and E44, for periods that ended before 2016-04-01): a v1 period is one.
    "uk.cla.placements.child-left-care.v1": ("uk.cla.placements.child-left-care.v2", lambda data: data),
}
