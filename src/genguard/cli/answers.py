"""``genguard answers``: validate a standard-answer bank and try queries against it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from genguard.cli._input import require_utf8

app = typer.Typer(name="answers", help="Standard-answer bank (标准答案库): validate, match.", no_args_is_help=True)


def _bank(paths: list[Path] | None, threshold: float):  # type: ignore[no-untyped-def]
    from genguard.answers import AnswerBank
    from genguard.answers.bank import default_bank_path

    return AnswerBank(paths or [default_bank_path()], fuzzy_threshold=threshold, reload_interval=-1)


@app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="bank files (YAML or JSONL)")) -> None:
    """Check bank files: schema, taxonomy codes, validity windows, duplicate ids."""
    bank = _bank(files, 0.88)
    by_lang: dict[str, int] = {}
    for e in bank.entries:
        by_lang[e.language] = by_lang.get(e.language, 0) + 1
    Console().print(f"[green]ok[/]: {len(bank.entries)} entries ({by_lang}) in {len(files)} file(s)")


@app.command("match")
def match(
    text: str = typer.Argument(..., help="query to look up"),
    bank_files: list[Path] = typer.Option(None, "--bank", help="bank file(s); default: the starter bank"),
    threshold: float = typer.Option(0.88, "--threshold", help="fuzzy match threshold (0..1)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show which entry (if any) a query matches, how, and the vetted answer."""
    m = _bank(bank_files, threshold).match(require_utf8(text))
    if as_json:
        typer.echo(json.dumps(None if m is None else {**m.as_dict(), "answer": m.entry.answer}, ensure_ascii=False))
        return
    if m is None:
        Console().print("no match")
        return
    t = Table(show_header=False)
    for k, v in {**m.as_dict(), "answer": m.entry.answer}.items():
        t.add_row(k, str(v))
    Console().print(t)


def _demo(out: Path) -> None:
    from genguard import Guard
    from genguard.policy import load_policy
    from genguard.policy.model import PreCheckSpec

    policy = load_policy()
    policy.pre_checks.append(PreCheckSpec(type="answer_bank", config={"paths": ["default"], "mode": "answer"}))
    guard = Guard(policy)
    for q in ["你是人工智能吗？", "How do I report harmful content?"]:
        d = guard.check_input(q)
        entry = d.metadata.get("answer_bank", {}).get("entry_id")
        # a hit in "answer" mode replaces the model's reply (the decision carries action refuse so
        # that no caller forwards the question; the gateway reports it as a normal answer)
        how = f"vetted answer {entry} / 标准答案" if entry else f"{d.action.value} (no bank hit)"
        Console().print(f"{q} -> [bold]{how}[/]: {d.answer}", highlight=False)


DEMO_STEP = (15, "standard-answer bank", _demo)
