"""User-facing errors.

Every problem a user can cause (bad policy, malformed file, wrong encoding, unreachable
target...) is raised as a :class:`GenguardError` with a message that says *where* and *what*.
The CLI turns these into a one-line message and a non-zero exit code instead of a traceback.
"""

from __future__ import annotations


class GenguardError(Exception):
    """Base class for errors whose message is meant for the user, not a developer."""

    exit_code = 2


class ConfigError(GenguardError):
    """A policy, config or data file is invalid (names the file, key and problem)."""


class InputError(GenguardError):
    """Input data is malformed, of the wrong encoding or too large."""


class TargetError(GenguardError):
    """A remote target (model endpoint, upstream) failed or could not be reached."""

    exit_code = 3


class StoreError(GenguardError):
    """The database could not be opened or migrated."""


def invalid_json(msg: str, column: int) -> str:
    """``invalid JSON: <problem> at column N`` for a ``json.JSONDecodeError``'s ``msg`` and ``colno``.
    Some of its messages already end with "at" ("Invalid control character at"), which read as
    "at at column N" when every reader added its own."""
    return f"invalid JSON: {msg.removesuffix(' at')} at column {column}"
