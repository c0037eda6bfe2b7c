"""``genguard check``: one text, or a JSONL file streamed with resumable output."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from genguard.cli._input import require_jsonl_paths, require_text_or_file, require_utf8
from genguard.errors import GenguardError, InputError
from genguard.findings import Decision, Direction


class OutFormat(StrEnum):
    json = "json"
    text = "text"


def _print_text(d: Decision) -> None:
    c = Console()
    colour = {"allow": "green", "flag": "yellow", "redact": "cyan", "refuse": "red", "block": "red"}[d.action.value]
    c.print(f"action: [bold {colour}]{d.action.value}[/]  language: {d.language}  policy: {d.policy}")
    for f in d.findings:
        c.print(f"  {f.category:6} {f.score:.2f} [{f.start}:{f.end}] {f.evidence!r} ({f.detector}{', ' + f.entity if f.entity else ''})", highlight=False)
    if d.answer:
        c.print(f"answer: {d.answer}", highlight=False)
    if d.redacted_text is not None:
        c.print(f"redacted: {d.redacted_text}", highlight=False)


def check(
    text: str | None = typer.Argument(None, help="text to check (omit when using --file)"),
    direction: Direction = typer.Option(Direction.INPUT, "--direction", "-d", help="input (prompt) or output (answer)"),
    policy: str | None = typer.Option(None, "--policy", "-p", help="policy YAML (default: shipped policy)"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="json or text"),
    file: Path | None = typer.Option(None, "--file", help='JSONL input, one {"text": ...} per line'),
    out: Path | None = typer.Option(None, "--out", help="JSONL output for --file (re-run to resume)"),
    field: str = typer.Option("text", "--field", help="JSON field holding the text in --file"),
    prompt: str | None = typer.Option(
        None, "--prompt", help="the request TEXT answers (output checks: reply language, harmful_compliance)"),
    prompt_field: str | None = typer.Option(
        None, "--prompt-field", help="JSON field holding each answer's request in --file (output checks)"),
) -> None:
    """Check a text (or a JSONL file) and print the decision. Exit code 0 whatever the action. 检查文本。"""
    from genguard.guard import Guard

    require_text_or_file(text, file)
    if (prompt is not None or prompt_field is not None) and direction != Direction.OUTPUT:
        raise InputError("--prompt and --prompt-field give the request an answer replies to: use them with --direction output")
    if prompt is not None and text is None:
        raise InputError("--prompt goes with a TEXT argument; for --file use --prompt-field")
    if prompt_field is not None and file is None:
        raise InputError("--prompt-field goes with --file; for a TEXT argument use --prompt")
    if text is not None:
        require_utf8(text)
    if prompt is not None:
        require_utf8(prompt, "--prompt")
    if file is not None:  # before the policy loads: path mistakes are reported at once
        out = require_jsonl_paths(file, out)
    guard = Guard.from_policy(policy)
    if text is not None:
        decision = guard.check(text, direction, prompt=prompt)
        if format == OutFormat.json:
            typer.echo(decision.model_dump_json())
        else:
            _print_text(decision)
        return
    assert file is not None and out is not None
    from genguard.cli.jsonl import check_file

    summary = check_file(guard, file, out, direction=direction, field=field, prompt_field=prompt_field)
    Console(stderr=True).print(
        f"checked {summary.checked} lines ({summary.resumed} already done), "
        f"{summary.errors} malformed, actions: {dict(summary.actions)} -> {out}",
        highlight=False,
    )
    if summary.errors:
        for line_no, msg in summary.error_lines[:20]:
            Console(stderr=True).print(f"  line {line_no}: {msg}", highlight=False)
    fail_if_nothing_read(file, summary.checked + summary.resumed, summary.error_lines)


def fail_if_nothing_read(src: Path, processed: int, error_lines: list[tuple[int, str]]) -> None:
    """A file none of whose lines could be read (e.g. GBK, or not JSONL at all) is an error, not a result."""
    if processed == 0 and error_lines:
        line_no, msg = error_lines[0]
        raise InputError(f"{src}: none of its {len(error_lines)} non-blank lines could be read "
                         f"(line {line_no}: {msg}); expected UTF-8 JSONL")


__all__ = ["GenguardError", "check"]
