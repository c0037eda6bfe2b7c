"""Labelled training data: CSV or JSONL rows of ``text``, ``label`` and optional ``category``.

Every malformed row is reported with its file and line number; a file with bad rows is
rejected as a whole (with the first problems listed) rather than trained on partially.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from genguard.config_file import read_user_file
from genguard.errors import InputError
from genguard.taxonomy import get_taxonomy

TEXT_KEYS = ("text", "prompt", "content")
MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    category: str | None
    source: str  # "file:line"


def _clean(v: object) -> str:
    return "" if v is None else str(v).strip()


def _check_row(text: object, label: object, category: object, where: str, errors: list[str]) -> Example | None:
    t = "" if text is None else str(text)
    lab = _clean(label)
    cat = _clean(category) or None
    if not t.strip():
        errors.append(f"{where}: empty or missing text")
        return None
    if not lab:
        errors.append(f"{where}: empty or missing label")
        return None
    if cat is not None and not get_taxonomy().has(cat):
        errors.append(f"{where}: unknown category code {cat!r}")
        return None
    return Example(t, lab, cat, where)



def read_examples(path: str | Path) -> list[Example]:
    """Read one CSV (header with text,label[,category]) or JSONL file; raise on any bad row."""
    p = Path(path)
    raw = read_user_file(p, "training data", InputError)
    errors: list[str] = []
    out: list[Example] = []
    if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{p}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: invalid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"{where}: expected a JSON object")
                continue
            text = next((obj[k] for k in TEXT_KEYS if k in obj), None)
            ex = _check_row(text, obj.get("label"), obj.get("category"), where, errors)
            if ex:
                out.append(ex)
    elif p.suffix.lower() in (".csv", ".tsv"):
        reader = csv.reader(raw.splitlines(keepends=True), delimiter="\t" if p.suffix.lower() == ".tsv" else ",")
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise InputError(f"{p}: empty file") from None
        ti = next((header.index(k) for k in TEXT_KEYS if k in header), None)
        if ti is None or "label" not in header:
            raise InputError(f"{p}:1: header must name a 'text' and a 'label' column (got {header})")
        li = header.index("label")
        ci = header.index("category") if "category" in header else None
        try:
            for row in reader:
                where = f"{p}:{reader.line_num}"
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    errors.append(f"{where}: {len(row)} fields, header has {len(header)}")
                    continue
                ex = _check_row(row[ti], row[li], row[ci] if ci is not None else None, where, errors)
                if ex:
                    out.append(ex)
        except csv.Error as exc:
            errors.append(f"{p}:{reader.line_num}: malformed CSV ({exc})")
    else:
        raise InputError(f"{p}: unsupported data format {p.suffix!r}; use .csv, .tsv or .jsonl")
    if errors:
        shown = "\n  ".join(errors[:MAX_ERRORS_SHOWN])
        more = f"\n  ... and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise InputError(f"{p}: {len(errors)} malformed row(s), nothing trained:\n  {shown}{more}")
    if not out:
        raise InputError(f"{p}: no labelled rows")
    return out


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
