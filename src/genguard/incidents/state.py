"""The status state machine shared by complaints, vulnerability reports and incidents.

received -> triaged -> mitigating -> resolved -> disclosed, with rejection possible until a
fix is under way and re-opening allowed where real cases need it (a rejected report appealed,
a resolved issue that recurs). Anything else is refused with a message naming both states and
the legal targets, so a CLI user or API client knows what to do instead.
"""

from __future__ import annotations

from enum import StrEnum

from genguard.errors import InputError


class Status(StrEnum):
    received = "received"
    triaged = "triaged"
    mitigating = "mitigating"
    resolved = "resolved"
    disclosed = "disclosed"
    rejected = "rejected"


TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.received: (Status.triaged, Status.rejected),
    Status.triaged: (Status.mitigating, Status.resolved, Status.rejected),
    Status.mitigating: (Status.resolved, Status.triaged),
    Status.resolved: (Status.disclosed, Status.mitigating),
    Status.rejected: (Status.triaged,),
    Status.disclosed: (),
}

#: statuses in which a record counts as closed (retention clocks start, not "open" in metrics)
CLOSED: frozenset[Status] = frozenset({Status.resolved, Status.disclosed, Status.rejected})


def parse_status(value: str) -> Status:
    try:
        return Status(value.strip().lower())
    except ValueError:
        raise InputError(f"unknown status {value!r}; known: {', '.join(s.value for s in Status)}") from None


def allowed_targets(current: str | Status) -> tuple[Status, ...]:
    return TRANSITIONS[Status(current)]


def check_transition(current: str | Status, target: str | Status, *, ref: str = "record") -> Status:
    """Return the target status, or raise :class:`InputError` explaining why the move is illegal."""
    src = Status(current)
    dst = parse_status(str(target))
    allowed = TRANSITIONS[src]
    if dst not in allowed:
        targets = ", ".join(s.value for s in allowed) or "none (final state)"
        raise InputError(
            f"{ref}: illegal transition from '{src.value}' to '{dst.value}'; allowed from '{src.value}': {targets}"
        )
    return dst
