"""``genguard bank``: validate test banks against the TC260 minimums and import other formats."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(name="bank", help="Assessment test banks: validate coverage and duplicates, import datasets. 测试题库。",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.command("validate")
def validate(
    files: list[str] = typer.Argument(..., help="bank files or folders ('starter' for the shipped banks)"),
    thresholds: Path | None = typer.Option(None, "--thresholds", help="YAML overriding the TC260 minimums"),
    near: float = typer.Option(90.0, "--near", min=0.0, max=100.0,
                               help="similarity (0-100) above which questions are near-duplicates"),
    json_out: Path | None = typer.Option(None, "--json", help="write the report as JSON"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 when any TC260 minimum is not met"),
) -> None:
    """Coverage per risk code, bank sizes vs the TC260 minimums, exact and near duplicates."""
    from rich.table import Table

    from genguard.assess.bank import load_banks, resolve_bank, skipped_warnings
    from genguard.assess.thresholds import load_thresholds
    from genguard.assess.validate import validate_items
    from genguard.cli._input import require_writable_out
    from genguard.errors import InputError
    from genguard.taxonomy import get_taxonomy

    if json_out is not None:
        require_writable_out(json_out, "--json", "bank-report.json")
    paths = [resolve_bank(f) for f in files]
    items = load_banks(paths)
    for line in skipped_warnings(paths):
        err.print(line, highlight=False, markup=False, soft_wrap=True)
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
        try:
            json_out.write_text(json.dumps(rep.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--json {str(json_out)!r}: cannot write ({exc.strerror or exc})") from None
    if strict and not rep.ok:
        raise typer.Exit(1)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="CSV/TSV/JSONL to import"),
    out: Path = typer.Option(..., "--out", "-o", help="bank JSONL to write"),
    format: str = typer.Option("table", "--format", "-f", help="table (use --map), jade, flames, cvalues, xstest, gptfuzz"),
    map: list[str] = typer.Option([], "--map", "-m", help="FIELD=COLUMN, e.g. question=prompt (format table)"),
    bank: str | None = typer.Option(None, "--bank", help="default bank type for table imports"),
    language: str | None = typer.Option(None, "--language", help="zh or en for table imports (default: detected per question)"),
    risk: str | None = typer.Option(None, "--risk", help="default risk code for table imports"),
) -> None:
    """Convert a dataset into a genguard bank (JSONL)."""
    from genguard.assess.bank import BankType, write_jsonl
    from genguard.assess.importers import IMPORTERS, import_table
    from genguard.cli._input import require_writable_out
    from genguard.errors import InputError
    from genguard.i18n import LANGS

    if format != "table" and format not in IMPORTERS:
        raise InputError(f"unknown import format {format!r}; use table or one of {', '.join(IMPORTERS)}")
    table_only = [name for name, v in (("--map", map), ("--bank", bank), ("--language", language), ("--risk", risk)) if v]
    if format != "table" and table_only:
        raise InputError(f"{', '.join(table_only)} only appl{'ies' if len(table_only) == 1 else 'y'} to --format table; "
                         f"the {format} importer sets the bank, language and risk of its questions itself")
    if language is not None and language not in LANGS:
        raise InputError(f"--language {language!r}: use zh or en / 语言只能是 zh 或 en")
    if bank is not None and bank not in {b.value for b in BankType}:
        raise InputError(f"--bank {bank!r}: use one of {', '.join(b.value for b in BankType)}")
    if file.resolve() == out.resolve():
        raise InputError(f"--out {str(out)!r} is the input file; give another path")
    require_writable_out(out, "--out", "bank.jsonl")
    if format == "table":
        mapping = {}
        for m in map:
            field, sep, col = m.partition("=")
            if not sep:
                raise InputError(f"--map {m!r}: use FIELD=COLUMN")
            mapping[field.strip()] = col.strip()
        defaults = {k: v for k, v in {"bank": bank, "language": language, "risk": risk}.items() if v}
        items = import_table(file, mapping, defaults)
    else:
        items = IMPORTERS[format](file)
    if not items:
        raise InputError(f"{file}: no questions found, nothing written")
    n = write_jsonl(items, out)
    console.print(f"imported {n} questions -> {out}")
