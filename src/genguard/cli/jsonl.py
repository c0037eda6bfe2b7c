"""Streaming JSONL check with resumable output.

Each input line produces exactly one output line ``{"line": N, "input_hash": H, ...}``: a
decision, or an ``error`` record for malformed input, so nothing a user gave is dropped. ``H``
(see :func:`fingerprint`) ties the record to the bytes of input line ``N``. On re-run, complete
output lines are kept, a torn last line (from an interruption) is cut off, and checking resumes
after the last line written, but only once every record already written has been matched
against its input line (see :func:`_resume_point`): counting lines alone would skip the first
lines of a *different* input written to the same ``--out``, and those lines would never be
checked.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from genguard.cli._input import require_input_file, require_utf8, require_writable_out
from genguard.errors import GenguardError, InputError, invalid_json
from genguard.findings import Direction
from genguard.guard import Guard

FINGERPRINT_KEY = "input_hash"
"""Output record field holding :func:`fingerprint` of the input line the record answers."""

# The field that only one command's records carry, checked in this order (a redact record keeps
# the text under --field, which may be named "decision" or "findings"; "entities" is its own).
_RESULT_FIELDS = (("entities", "redact"), ("decision", "check"), ("findings", "pii scan"))


@dataclass
class CheckSummary:
    checked: int = 0
    resumed: int = 0
    errors: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    error_lines: list[tuple[int, str]] = field(default_factory=list)


def fingerprint(raw: bytes) -> str:
    """First 16 hex digits of the SHA-256 of one input line's bytes, line ending excluded.

    Written into every output record so a re-run can tell whether the records already in
    ``--out`` answer *this* input (64 bits: an accidental match is out of reach). The line
    ending is left out so the last line hashes the same once more lines are appended after it.
    """
    return hashlib.sha256(raw.removesuffix(b"\n").removesuffix(b"\r")).hexdigest()[:16]


# The keys genguard itself may write into an output record (new_record's, and "error" / "skipped"
# for a line that could not be read or was blank): a command writing a user-named field beside
# them must keep that name off this list.
RECORD_KEYS = ("line", FINGERPRINT_KEY, "error", "skipped")


def new_record(line_no: int, raw: bytes) -> dict[str, object]:
    """The start of the output record for input line ``line_no`` (whose bytes are ``raw``)."""
    return {"line": line_no, FINGERPRINT_KEY: fingerprint(raw)}


def prepare_paths(src: Path, out: Path, command: str = "check") -> int:
    """Check ``--file``/``--out`` before anything is read or written; the number of input lines
    already answered in ``out`` (see :func:`_resume_point`; ``command`` names the caller, e.g.
    ``"pii scan"``, so output of another command is not resumed as its own).

    Shared by every resumable JSONL command so each bad path gets the same one-line error:
    resuming truncates a torn last line of ``out``, so ``out`` being the input itself must be
    refused before that; the output path itself is checked (and its folder created) as every
    ``--out`` is, by :func:`~genguard.cli._input.require_writable_out`.
    """
    require_input_file(src)
    if out.exists() and not out.is_dir() and os.path.samefile(out, src):
        raise InputError("--out must differ from --file")
    require_writable_out(out, example="out.jsonl")  # a folder, a path under a file, no permission
    try:
        done = _resume_point(src, out, command)
        with out.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise InputError(f"--out {str(out)!r}: cannot write there ({exc.strerror or exc})") from None
    return done


def _resume_point(src: Path, out: Path, command: str) -> int:
    """Number of input lines already answered in ``out``, once they are known to answer ``src``.

    Every complete record of ``out`` must answer input lines 1, 2, ... in order, come from
    ``genguard {command} --file`` and carry the :func:`fingerprint` of its input line, and that
    fingerprint must match line N of ``src`` (all of them are compared: hashing is far cheaper
    than checking). Anything else is an :class:`InputError` naming the first record that does
    not fit, raised before ``out`` is touched: output of another input (or of an input edited
    since), an input shorter than the output, records of another command, or records written by
    a genguard older than the fingerprints. The last cannot be verified at all (a decision does
    not contain its text), so it is refused rather than trusted: deleting ``out`` and starting
    over costs time, resuming the wrong input would lose lines silently. Only once all records
    fit is a torn final line (an interrupted write) cut off.
    """
    if not out.exists():
        return 0
    data = out.read_bytes()
    cut = data.rfind(b"\n") + 1
    start_over = "choose another --out or delete it to start over"
    hashes: list[str] = []
    for i, raw in enumerate(data[:cut].split(b"\n")[:-1], start=1):
        try:
            rec = json.loads(raw)
        except ValueError:
            rec = None
        if not isinstance(rec, dict) or type(rec.get("line")) is not int:
            raise InputError(f"--out {str(out)!r} is not output of genguard {command} --file "
                             f"(its line {i} is not a result record); {start_over}")
        if rec["line"] != i:
            raise InputError(f"--out {str(out)!r}: its line {i} holds the result for input line {rec['line']}, "
                             f"not {i}, so it is not the output of one run; {start_over}")
        kind = next((cmd for key, cmd in _RESULT_FIELDS if key in rec), command)
        if kind != command:
            raise InputError(f"--out {str(out)!r} holds genguard {kind} results (its line {i}), "
                             f"not genguard {command}; {start_over}")
        if not isinstance(rec.get(FINGERPRINT_KEY), str):
            raise InputError(f"--out {str(out)!r} was written by an older genguard: its records carry no "
                             f"input fingerprint ({FINGERPRINT_KEY!r}, line {i}), so they cannot be verified to "
                             f"answer --file {str(src)!r}; {start_over}")
        hashes.append(rec[FINGERPRINT_KEY])
    if not hashes:
        read = 0
    else:
        with src.open("rb") as fh:
            read = 0
            for line_no, raw in enumerate(fh, start=1):
                if line_no > len(hashes):
                    break
                read = line_no
                if fingerprint(raw) != hashes[line_no - 1]:
                    raise InputError(
                        f"--out {str(out)!r} holds results for another input: its record for line {line_no} "
                        f"does not match line {line_no} of --file {str(src)!r} (a different file, or one edited "
                        f"since); {start_over}")
        if read < len(hashes):
            raise InputError(
                f"--out {str(out)!r} holds results for {len(hashes)} lines but --file {str(src)!r} has only "
                f"{read}: it was written for another input (or one shortened since); {start_over}")
    if cut < len(data):
        with out.open("r+b") as fh:
            fh.truncate(cut)
    return len(hashes)


def check_file(
    guard: Guard, src: Path, out: Path, *, direction: Direction, field: str = "text", prompt_field: str | None = None
) -> CheckSummary:
    """Check each line's ``field`` (with its ``prompt_field`` as the prompt, for answers)."""
    summary = CheckSummary()
    done = prepare_paths(src, out, "check")
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
            record = new_record(line_no, raw)
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
        # some messages already end with "at" ("Invalid control character at", "Unterminated string
        # starting at"): they are followed by the position, which is spelled here as a column
        raise InputError(invalid_json(exc.msg, exc.colno)) from None
    if not isinstance(obj, dict):
        raise InputError(f"line is a JSON {_json_kind(obj)}, not an object with a field {field!r}")
    return obj


def _json_kind(value: object) -> str:
    """JSON's name for the type of a parsed value that is not an object (said in errors)."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"


def _field(obj: dict[str, object], field: str) -> str:
    """A record's string field, checked."""
    if field not in obj:
        raise InputError(f"missing field {field!r}")
    value = obj[field]
    if not isinstance(value, str):
        raise InputError(f"field {field!r} is not a string")
    return require_utf8(value, f"field {field!r}", decoded=False)
