"""genguard: the safety lifecycle of a generative-AI service, on one shared risk taxonomy.

Import cost matters (the guard sits on the request path), so the public names are resolved
lazily: ``from genguard import Guard`` loads only the guard's own modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Action", "Decision", "Direction", "Finding", "Guard", "__version__"]

if TYPE_CHECKING:
    from genguard.findings import Action, Decision, Direction, Finding
    from genguard.guard import Guard


def __getattr__(name: str) -> Any:
    if name == "Guard":
        from genguard.guard import Guard

        return Guard
    if name in ("Action", "Decision", "Direction", "Finding"):
        from genguard import findings

        return getattr(findings, name)
    raise AttributeError(name)
