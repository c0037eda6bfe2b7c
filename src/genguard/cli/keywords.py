"""``genguard keywords``: keyword-library statistics and a matching explainer."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from genguard.cli._input import require_utf8

app = typer.Typer(name="keywords", help="Keyword banks: coverage statistics and match explanations. 关键词库统计与匹配解释。")


class Fmt(StrEnum):
    json = "json"
    table = "table"


class Basis(StrEnum):
    entries = "entries"
    patterns = "patterns"


@app.command("stats")
def stats(
    bank: list[str] = typer.Option(["default"], "--bank", "-b", help="bank file or directory ('default' = shipped banks); repeatable"),
    format: Fmt = typer.Option(Fmt.table, "--format", "-f", help="json or table"),
    basis: Basis = typer.Option(Basis.entries, "--basis", help="count expanded entries or written patterns"),
    lang: str = typer.Option("en", "--lang", help="zh or en category names"),
    min_total: int = typer.Option(10_000, "--min-total", min=0, help="minimum total entries (TC260-003 default)"),
    min_a1: int = typer.Option(200, "--min-a1", min=0, help="minimum entries per A1 risk"),
    min_a2: int = typer.Option(100, "--min-a2", min=0, help="minimum entries per A2 risk"),
) -> None:
    """Entries per risk code and language against the TC260-003 keyword-library minimums."""
    from rich.console import Console
    from rich.table import Table

    from genguard.detect.keywords.stats import Minimums, keyword_stats
    from genguard.i18n import parse_lang

    lang = parse_lang(lang)
    st = keyword_stats(list(bank), Minimums(min_total, min_a1, min_a2), basis=basis.value)
    if format == Fmt.json:
        typer.echo(json.dumps(st.to_dict(), ensure_ascii=False, indent=2))
        return
    langs = sorted({la for c in st.categories for la in c.counts})
    table = Table(title=f"keyword banks ({st.basis}) vs TC260-003 keyword-library minimums")
    table.add_column("code")
    table.add_column("risk")
    for la in langs:
        table.add_column(la, justify="right")
    table.add_column("total", justify="right")
    table.add_column("minimum", justify="right")
    table.add_column("met")
    table.add_column("allow", justify="right")
    for c in st.categories:
        met = "" if c.met is None else ("[green]yes[/]" if c.met else "[red]NO[/]")
        name = c.name_zh if lang == "zh" else c.name_en
        table.add_row(
            c.code, name[:48], *[str(c.counts.get(la, 0)) for la in langs], str(c.total),
            "" if c.minimum is None else str(c.minimum), met, str(c.allow),
        )
    con = Console()
    con.print(table)
    verdict = "[green]met[/]" if st.total_met else "[red]NOT met[/]"
    con.print(f"total {st.basis}: {st.total:,} (A1+A2: {st.total_a1_a2:,}); minimum {st.minimums.total:,}: {verdict}")
    d = st.to_dict()
    con.print(f"written patterns: {d['total_patterns']:,}; expanded entries: {d['total_entries']:,}")
    if st.missing_required:
        con.print(f"[red]A1/A2 risks without any entry:[/] {', '.join(st.missing_required)}")
    con.print("all minimums: " + ("[green]met[/]" if st.all_met else "[red]NOT met[/]"))


@app.command("match")
def match(
    text: str = typer.Argument(..., help="text to match against the banks"),
    bank: list[str] = typer.Option(["default"], "--bank", "-b", help="bank file or directory; repeatable"),
    format: Fmt = typer.Option(Fmt.table, "--format", "-f", help="json or table"),
) -> None:
    """Show which bank terms match TEXT, through which normalised view, and where."""
    from rich.console import Console
    from rich.table import Table

    from genguard.detect.keywords.engine import compile_engine
    from genguard.text.normalize import normalize

    require_utf8(text)
    engine = compile_engine(list(bank))
    norm = normalize(text)
    hits = engine.match(norm)
    rows = [
        {
            "category": h.category, "start": h.start, "end": h.end, "evidence": text[h.start : h.end],
            "term": h.term, "lang": h.lang, "view": h.view, "score": h.score, "bank": h.source,
        }
        for h in hits
    ]
    if format == Fmt.json:
        typer.echo(json.dumps({"text": text, "normalized": norm.text, "hits": rows}, ensure_ascii=False, indent=2))
        return
    con = Console()
    con.print(f"normalised (compact view): {norm.text!r}", highlight=False)
    if not rows:
        con.print("no bank term matches")
        return
    table = Table()
    for col in ("category", "span", "evidence", "term", "view", "score"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["category"]), f"{r['start']}:{r['end']}", repr(r["evidence"]), str(r["term"]), str(r["view"]), f"{r['score']:.2f}")
    con.print(table)
