"""Root Typer app and the error boundary that turns user errors into messages, not tracebacks.

Top-level commands (check, taxonomy, demo) are registered here. Every other module of
``genguard.cli`` that defines a Typer ``app`` becomes a sub-command group named after its
``app.info.name`` (e.g. ``genguard assess ...``), discovered at start-up so stages can add
their commands without editing this file. Those modules import heavy libraries inside their
commands, so ``genguard --help`` and ``genguard check`` stay fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer
from rich.console import Console

import genguard.cli
from genguard.cli import check as check_cmd
from genguard.cli import demo as demo_cmd
from genguard.cli import taxonomy as taxonomy_cmd
from genguard.errors import GenguardError

app = typer.Typer(
    name="genguard",
    help="Safety lifecycle for generative-AI services (guard, gateway, assess, align, corpus, label, incidents, govern, dashboard). 生成式人工智能服务安全全流程工具。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("check")(check_cmd.check)
app.command("taxonomy")(taxonomy_cmd.taxonomy)
app.command("demo")(demo_cmd.demo)

_TOP_LEVEL = {"app", "check", "taxonomy", "demo", "jsonl"}


def _register_groups() -> None:
    for info in sorted(pkgutil.iter_modules(genguard.cli.__path__), key=lambda i: i.name):
        if info.name in _TOP_LEVEL or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"genguard.cli.{info.name}")
        sub = getattr(mod, "app", None)
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=sub.info.name or info.name)
        # a module may also contribute single top-level commands (e.g. `genguard serve`)
        for name, fn in getattr(mod, "COMMANDS", {}).items():
            app.command(name)(fn)


_register_groups()

err_console = Console(stderr=True)


def main() -> None:
    try:
        app()
    except GenguardError as exc:
        err_console.print(f"[bold red]error ({exc.kind_zh}):[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        # Typer turns Ctrl-C into Exit(130) raised from the KeyboardInterrupt, then sys.exit(130):
        # say what the user can do before leaving with the same code
        ctx = exc.__context__
        if exc.code == 130 and ctx is not None and isinstance(ctx.__cause__, KeyboardInterrupt):
            _interrupted()
        raise


def _interrupted() -> None:
    err_console.print("[yellow]interrupted / 已中断[/]; commands that write output can be re-run to resume "
                      "/ 写输出的命令可重新运行以续跑。")
    sys.exit(130)


if __name__ == "__main__":
    main()
