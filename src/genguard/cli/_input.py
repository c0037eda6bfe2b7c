"""Validation shared by every command that takes text from the user (argument or JSONL field) or
writes a file or folder it names (``--out``). Reading a user's file: :func:`genguard.config_file.read_user_file`."""

from __future__ import annotations

import os
from pathlib import Path

from genguard.errors import InputError


def require_utf8(text: str, what: str = "TEXT argument", *, decoded: bool = True) -> str:
    """``text`` unchanged if it is valid Unicode, else an :class:`InputError` saying where it is not.

    Python hands over command-line bytes that are not UTF-8 (a GBK terminal, say) as lone
    surrogates (U+DC80..U+DCFF, "surrogateescape"), and JSON can spell any lone surrogate as an
    escape. Neither is text: the detectors would see nothing they know and allow it, and writing
    the result as UTF-8 would fail, so such input is refused up front. ``decoded=False`` for text
    that was already strictly decoded (a JSON string), whose surrogates cannot be stray bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        if decoded and 0xDC80 <= code <= 0xDCFF:
            raise InputError(
                f"{what} is not valid UTF-8: undecodable byte 0x{code - 0xDC00:02X} at character {exc.start + 1}; "
                "is it in another encoding (e.g. GBK)? convert it to UTF-8 (iconv -f GBK -t UTF-8)"
            ) from None
        raise InputError(
            f"{what} is not valid Unicode: lone surrogate U+{code:04X} at character {exc.start + 1}"
        ) from None
    return text


def require_text_or_file(text: str | None, file: Path | None) -> None:
    """Exactly one of a TEXT argument and ``--file``: the error says which rule was broken, as
    "neither" and "both" need different fixes."""
    if text is None and file is None:
        raise InputError("give a TEXT argument or --file IN.jsonl (neither was given)")
    if text is not None and file is not None:
        raise InputError("give a TEXT argument or --file IN.jsonl, not both")


def require_jsonl_paths(file: Path, out: Path | None) -> Path:
    """``out`` once ``file`` is a readable file and ``out`` was given: the input is checked first,
    so a mistyped ``--file`` is reported as such, not as a missing ``--out``."""
    require_input_file(file)
    if out is None:
        raise InputError("--file needs --out OUT.jsonl")
    return out


def require_input_file(src: Path) -> None:
    """``--file`` must be a readable file, checked before anything else about the run (``--out``
    included) so a mistyped input path is what the user is told about first."""
    if src.is_dir():
        raise InputError(f"input file {str(src)!r} is a directory; give a JSONL file")
    if not src.is_file():
        raise InputError(f"input file {str(src)!r} does not exist")
    try:
        with src.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"input file {str(src)!r}: cannot read it ({exc.strerror or exc})") from None


def require_writable_out(out: Path, what: str = "--out", example: str = "report.html") -> Path:
    """``out`` unchanged once it is known to be writable as a file, else an :class:`InputError`.

    Called before a command records or computes anything, so a path that is a folder (or sits
    under a file, or in a read-only folder) never leaves a half-done run: e.g. a gate decision
    stored in the database with no report written. The missing parent folder is created, as
    every ``--out`` does."""
    if out.is_dir():
        raise InputError(f"{what} {str(out)!r} is a directory; give a file path such as {str(out / example)!r}"
                         f" / {what} 是目录，请给出文件路径")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(f"{what} {str(out)!r}: {str(blocker)!r} is a file, not a folder / {str(blocker)!r} 是文件而不是目录")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{what} {str(out)!r}: cannot create its folder ({exc.strerror or exc}) / 无法创建目录") from None
    if not os.access(out if out.exists() else out.parent, os.W_OK):
        raise InputError(f"{what} {str(out)!r}: cannot write there (permission denied) / 无写入权限")
    return out


def require_out_dir(out: Path, what: str = "--out", example: str = "out", *, create: bool = False) -> Path:
    """``out`` once it is known to be usable as a folder, else an :class:`InputError`: an existing
    file of that name, a file on the way to it, or a place that cannot be written.

    For options that name a folder (one file per report format/language, a model, a key pair): an
    existing file there would otherwise be overwritten by each report in turn, or fail with a
    traceback. Checked before any work is done or stored. By default nothing is created (the
    writer creates the folder), so a refused run leaves no empty folder behind; ``create=True``
    makes the folder now (with its parents), for commands that write into it piece by piece."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{what} {str(out)!r} is a file, not a folder; give a folder such as {example!r}"
                         f" / {what} 应为目录，{str(out)!r} 是文件")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(f"{what} {str(out)!r}: {str(blocker)!r} is a file, not a folder / {str(blocker)!r} 是文件而不是目录")
    if create:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{what} {str(out)!r}: cannot create the folder ({exc.strerror or exc}) / 无法创建目录") from None
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{what} {str(out)!r}: cannot write in {str(existing)!r} (permission denied) / 无写入权限")
    return out
