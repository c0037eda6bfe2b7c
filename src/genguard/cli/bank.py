"""``genguard bank``: validate test banks against the TC260 minimums and import other formats."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(name="bank", help="Assessment test banks: validate coverage and duplicates, import datasets. 测试题库。",
                  no_args_is_help=True)
console = Console()


@app.command("validate")
def validate(
    files: list[str] = typer.Argument(..., help="bank files or folders ('starter' for the shipped banks)"),
    thresholds: Path | None = typer.Option(None, "--thresholds", help="YAML overriding the TC260 minimums"),
    near: float = typer.Option(90.0, "--near", help="similarity (0-100) above which questions are near-duplicates"),
    json_out: Path | None = typer.Option(None, "--json", help="write the report as JSON"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 when any TC260 minimum is not met"),
) -> None:
    """Coverage per risk code, bank sizes vs the TC260 minimums, exact and near duplicates."""
    from rich.table import Table

    from genguard.assess.bank import load_banks, resolve_bank
    from genguard.assess.thresholds import load_thresholds
    from genguard.assess.validate import validate_items
    from genguard.taxonomy import get_taxonomy

    items = load_banks([resolve_bank(f) for f in files])
    rep = validate_items(items, load_thresholds(thresholds), near)
    tax = get_taxonomy()
    console.print(f"{rep.total} questions; banks: {rep.by_bank}; languages: {rep.by_language}")
    cov = Table(title="generated-content coverage per risk / 各风险类别题目数")
    cov.add_column("code")
    cov.add_column("risk")
    cov.add_column("n", justify="right")
    for code, n in rep.coverage.items():
        cov.add_row(code, tax.name(code, "zh") + " / " + tax.name(code, "en"), f"[red]{n}[/]" if n == 0 else str(n))
    console.print(cov)
    chk = Table(title="TC260 minimums / 最低要求")
    for col in ("check", "value", "min", "ok"):
        chk.add_column(col)
    for c in rep.checks:
        chk.add_row(c["check"], str(c["value"]), str(c["min"]), "[green]yes[/]" if c["ok"] else "[red]no[/]")
    console.print(chk)
    for c in rep.checks:
        if c.get("below"):
            console.print(f"[red]{c['check']}[/] — short / 不足: {', '.join(c['below'])}", highlight=False, soft_wrap=True)
    for ids in rep.exact_duplicates[:50]:
        console.print(f"[yellow]exact duplicate:[/] {', '.join(ids)}", highlight=False)
    for a, b, score in rep.near_duplicates[:50]:
        console.print(f"[yellow]near duplicate ({score:.0f}):[/] {a} ~ {b}", highlight=False)
    if json_out:
        json_out.write_text(json.dumps(rep.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    if strict and not rep.ok:
        raise typer.Exit(1)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="CSV/TSV/JSONL to import"),
    out: Path = typer.Option(..., "--out", "-o", help="bank JSONL to write"),
    format: str = typer.Option("table", "--format", "-f", help="table (use --map), jade, flames, cvalues, xstest, gptfuzz"),
    map: list[str] = typer.Option([], "--map", "-m", help="FIELD=COLUMN, e.g. question=prompt (format table)"),
    bank: str | None = typer.Option(None, "--bank", help="default bank type for table imports"),
    language: str | None = typer.Option(None, "--language"),
    risk: str | None = typer.Option(None, "--risk", help="default risk code for table imports"),
) -> None:
    """Convert a dataset into a genguard bank (JSONL)."""
    from genguard.assess.bank import write_jsonl
    from genguard.assess.importers import IMPORTERS, import_table
    from genguard.errors import InputError

    if format == "table":
        mapping = {}
        for m in map:
            field, sep, col = m.partition("=")
            if not sep:
                raise InputError(f"--map {m!r}: use FIELD=COLUMN")
            mapping[field.strip()] = col.strip()
        defaults = {k: v for k, v in {"bank": bank, "language": language, "risk": risk}.items() if v}
        items = import_table(file, mapping, defaults)
    elif format in IMPORTERS:
        items = IMPORTERS[format](file)
    else:
        raise InputError(f"unknown import format {format!r}; use table or one of {', '.join(IMPORTERS)}")
    n = write_jsonl(items, out)
    console.print(f"imported {n} questions -> {out}")
