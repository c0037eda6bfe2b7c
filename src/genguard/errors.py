"""User-facing errors.

Every problem a user can cause (bad policy, malformed file, wrong encoding, unreachable
target...) is raised as a :class:`GenguardError` with a message that says *where* and *what*.
The CLI turns these into a one-line message and a non-zero exit code instead of a traceback.
"""

from __future__ import annotations


class GenguardError(Exception):
    """Base class for errors whose message is meant for the user, not a developer."""

    exit_code = 2
    # what kind of problem, in Chinese, for the CLI's "error (配置错误): ..." line: the messages
    # themselves name files, keys and values and are written in English
    kind_zh = "错误"


class ConfigError(GenguardError):
    """A policy, config or data file is invalid (names the file, key and problem)."""

    kind_zh = "配置错误"


class InputError(GenguardError):
    """Input data is malformed, of the wrong encoding or too large."""

    kind_zh = "输入错误"


class TargetError(GenguardError):
    """A remote target (model endpoint, upstream) failed or could not be reached."""

    exit_code = 3
    kind_zh = "目标服务错误"


class StoreError(GenguardError):
    """The database could not be opened or migrated."""

    kind_zh = "数据库错误"


def invalid_json(msg: str, column: int) -> str:
    """``invalid JSON: <problem> at column N`` for a ``json.JSONDecodeError``'s ``msg`` and ``colno``.
    Some of its messages already end with "at" ("Invalid control character at"), which read as
    "at at column N" when every reader added its own."""
    return f"invalid JSON: {msg.removesuffix(' at')} at column {column}"
