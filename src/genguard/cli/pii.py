"""``genguard pii``: list the recognised entity types and scan texts for them (no rewriting)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from genguard.cli._input import require_jsonl_paths, require_text_or_file, require_utf8

app = typer.Typer(name="pii", help="Personal information and secrets: entity types and scanning. 个人信息与密钥识别。")


@app.command("entities")
def entities() -> None:
    """List entity types with their category (S4 personal information, S5 secrets)."""
    from genguard.detect.pii import ALL_ENTITIES, DEFAULT_ENTITIES, category_of
    from genguard.taxonomy import get_taxonomy

    tax = get_taxonomy()
    for e in ALL_ENTITIES:
        cat = category_of(e)
        risk = tax.get(cat)
        typer.echo(f"{e:20} {cat}  {risk.en} / {risk.zh}{'' if e in DEFAULT_ENTITIES else '  (off by default)'}")


@app.command("scan")
def scan(
    text: str | None = typer.Argument(None, help="text to scan (omit when using --file)"),
    entities: list[str] = typer.Option([], "--entities", "-e", help="entity types (comma-separated or repeated)"),
    policy: str | None = typer.Option(None, "--policy", "-p", help="policy YAML whose pii detector config to use"),
    file: Path | None = typer.Option(None, "--file", help='JSONL input, one {"text": ...} per line'),
    out: Path | None = typer.Option(None, "--out", help="JSONL output for --file (re-run to resume)"),
    field: str = typer.Option("text", "--field", help="JSON field holding the text in --file"),
) -> None:
    """Print PII/secret findings as JSON (one object per finding, or one line per input line)."""
    from genguard.cli.redact import build_pii_detector, stream_jsonl
    from genguard.detect.base import DetectContext

    require_text_or_file(text, file)
    if text is not None:
        require_utf8(text)
    if file is not None:  # before the detector is built: path mistakes are reported at once
        out = require_jsonl_paths(file, out)
    det, _ = build_pii_detector(policy, entities)

    def findings(t: str) -> list[dict[str, Any]]:
        return [json.loads(f.model_dump_json()) for f in det.detect(DetectContext(t))]

    if text is not None:
        for f in findings(text):
            typer.echo(json.dumps(f, ensure_ascii=False))
        return
    assert file is not None and out is not None
    done, resumed, errors, error_lines = stream_jsonl(
        lambda t: {"findings": findings(t)}, file, out, field, "pii scan")
    err = Console(stderr=True)
    err.print(f"scanned {done} lines ({resumed} already done), {errors} malformed -> {out}", highlight=False)
    for line_no, msg in error_lines[:20]:
        err.print(f"  line {line_no}: {msg}", highlight=False)
    from genguard.cli.check import fail_if_nothing_read

    fail_if_nothing_read(file, done + resumed, error_lines)
