"""``genguard taxonomy``: print the shared risk taxonomy."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from genguard.i18n import parse_lang
from genguard.taxonomy import get_taxonomy


class TaxFormat(StrEnum):
    json = "json"
    table = "table"


def taxonomy(
    format: TaxFormat = typer.Option(TaxFormat.table, "--format", "-f", help="json or table"),
    lang: str = typer.Option("en", "--lang", help="zh or en names in the table"),
) -> None:
    """List every risk category (TC260-003 Appendix A + security) with framework mappings."""
    lang = parse_lang(lang)
    tax = get_taxonomy()
    if format == TaxFormat.json:
        typer.echo(json.dumps(tax.model_dump(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"genguard taxonomy {tax.version}")
    for col in ("code", "name", "IMDA", "AILuminate", "OWASP LLM"):
        table.add_column(col)
    for cls in tax.classes:
        table.add_row(f"[bold]{cls.code}[/]", f"[bold]{cls.name(lang)}[/]", "", "", "")
        for r in tax.in_class(cls.code):
            table.add_row(r.code, r.name(lang), ",".join(r.imda), ",".join(r.ailuminate), ",".join(r.owasp_llm))
    Console().print(table)
