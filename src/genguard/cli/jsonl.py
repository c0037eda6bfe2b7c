"""Streaming JSONL check with resumable output.

Each input line produces exactly one output line ``{"line": N, ...}``: a decision, or an
``error`` record for malformed input, so nothing a user gave is dropped. On re-run, complete
output lines are kept, a torn last line (from an interruption) is cut off, and checking resumes
after the last line written.
"""

from __future__ import annotations

import codecs
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from genguard.cli._input import require_utf8, require_writable_out
from genguard.errors import GenguardError, InputError
from genguard.findings import Direction
from genguard.guard import Guard


@dataclass
class CheckSummary:
    checked: int = 0
    resumed: int = 0
    errors: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    error_lines: list[tuple[int, str]] = field(default_factory=list)


def prepare_paths(src: Path, out: Path) -> int:
    """Check ``--file``/``--out`` before anything is read or written; the number of input lines
    already answered in ``out`` (see :func:`_resume_point`).

    Shared by every resumable JSONL command so each bad path gets the same one-line error:
    resuming truncates a torn last line of ``out``, so ``out`` being the input itself must be
    refused before that; the output path itself is checked (and its folder created) as every
    ``--out`` is, by :func:`~genguard.cli._input.require_writable_out`.
    """
    if src.is_dir():
        raise InputError(f"input file {str(src)!r} is a directory; give a JSONL file")
    if not src.is_file():
        raise InputError(f"input file {str(src)!r} does not exist")
    if out.exists() and not out.is_dir() and os.path.samefile(out, src):
        raise InputError("--out must differ from --file")
    require_writable_out(out, example="out.jsonl")  # a folder, a path under a file, no permission
    try:
        done = _resume_point(out)
        with out.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise InputError(f"--out {str(out)!r}: cannot write there ({exc.strerror or exc})") from None
    return done


def _resume_point(out: Path) -> int:
    """Number of input lines already answered in ``out``; truncates a torn final line."""
    if not out.exists():
        return 0
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with out.open("r+b") as fh:
            fh.truncate(cut)
        data = data[:cut]
    last = 0
    for raw in data.splitlines():
        try:
            last = max(last, int(json.loads(raw)["line"]))
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{out}: existing output is not genguard check output; choose another --out") from None
    return last


def check_file(
    guard: Guard, src: Path, out: Path, *, direction: Direction, field: str = "text", prompt_field: str | None = None
) -> CheckSummary:
    """Check each line's ``field`` (with its ``prompt_field`` as the prompt, for answers)."""
    summary = CheckSummary()
    done = prepare_paths(src, out)
    summary.resumed = done
    size = src.stat().st_size
    with src.open("rb") as fh, out.open("a", encoding="utf-8") as sink, Progress(
        TextColumn("[bold]check"), BarColumn(), TransferSpeedColumn(), TimeRemainingColumn(), transient=True,
        disable=not os.isatty(2),
    ) as progress:
        task = progress.add_task("check", total=size)
        for line_no, raw in enumerate(fh, start=1):
            progress.advance(task, len(raw))
            if line_no <= done:
                continue
            record: dict[str, object] = {"line": line_no}
            try:
                obj = _parse_record(raw, field, first=line_no == 1)
                if obj is None:  # blank line: answered so the count stays aligned
                    record["skipped"] = "blank line"
                else:
                    text = _field(obj, field)
                    prompt = _field(obj, prompt_field) if prompt_field else None
                    d = guard.check(text, direction, prompt=prompt)
                    record["decision"] = json.loads(d.model_dump_json())
                    summary.actions[d.action.value] += 1
                    summary.checked += 1
            except GenguardError as exc:
                record["error"] = str(exc)
                summary.errors += 1
                summary.error_lines.append((line_no, str(exc)))
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()
    return summary


def _parse_line(raw: bytes, field: str, *, first: bool = False) -> str | None:
    """The text of one JSONL line (``None`` for a blank line). A UTF-8 byte-order mark is
    accepted at the start of the file (``first``), as editors on Windows write one."""
    obj = _parse_record(raw, field, first=first)
    return None if obj is None else _field(obj, field)


def _parse_record(raw: bytes, field: str, *, first: bool = False) -> dict[str, object] | None:
    """The JSON object of one JSONL line (``None`` for a blank line; ``field``, the one the
    caller reads, names what a line that is no object lacks); see :func:`_parse_line`."""
    if first and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (invalid byte at column {exc.start + 1})") from None
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise InputError(f"missing field {field!r}")
    return obj


def _field(obj: dict[str, object], field: str) -> str:
    """A record's string field, checked."""
    if field not in obj:
        raise InputError(f"missing field {field!r}")
    value = obj[field]
    if not isinstance(value, str):
        raise InputError(f"field {field!r} is not a string")
    return require_utf8(value, f"field {field!r}", decoded=False)
