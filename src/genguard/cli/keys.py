"""``genguard keys``: create, list, revoke, reinstate, appeal, events (keys are stored hashed)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(name="keys", help="Gateway API keys: tiers, roles, strike ladder, appeals. 网关 API 密钥管理。",
                  no_args_is_help=True)

CONFIG_OPT = typer.Option(None, "--config", "-c", help="gateway config YAML (for its database_url)")


def _store(config: Path | None):  # type: ignore[no-untyped-def]
    from genguard.gateway.config import load_config
    from genguard.store import open_store

    return open_store(load_config(config).database_url)


@app.command("create")
def create(
    tier: str = typer.Option("standard", "--tier", help="tier from the config (standard, trusted, ...)"),
    role: list[str] = typer.Option([], "--role", help="role, e.g. staff (repeatable)"),
    name: str = typer.Option("", "--name", help="who or what the key is for"),
    config: Path | None = CONFIG_OPT,
) -> None:
    """Create a key and print it once (only its SHA-256 is stored)."""
    from genguard.errors import InputError
    from genguard.gateway.config import load_config
    from genguard.gateway.keys import create_key

    cfg = load_config(config)
    if tier not in cfg.tiers:
        raise InputError(f"unknown tier {tier!r}; the config defines: {', '.join(sorted(cfg.tiers))}")
    key_id, key = create_key(_store(config), tier=tier, roles=role, name=name, actor="cli")
    Console(stderr=True).print(f"created key {key_id} (tier {tier}); store it now, it is not shown again:", highlight=False)
    typer.echo(key)


@app.command("list")
def list_cmd(config: Path | None = CONFIG_OPT) -> None:
    """List keys with tier, roles, status and ladder level."""
    from genguard.gateway.keys import list_keys

    t = Table("id", "name", "prefix", "tier", "roles", "status", "strikes", "level")
    for r in list_keys(_store(config)):
        t.add_row(r.id, r.name, r.prefix, r.tier, ",".join(r.roles), r.status, str(r.strikes), r.level)
    import sys

    Console(width=None if sys.stdout.isatty() else 200).print(t)


@app.command("revoke")
def revoke(key_id: str, reason: str = typer.Option("", "--reason"), config: Path | None = CONFIG_OPT) -> None:
    """Revoke a key permanently."""
    from genguard.gateway.keys import set_status

    set_status(_store(config), key_id, "revoked", actor="cli", reason=reason)
    typer.echo(f"revoked {key_id}")


@app.command("reinstate")
def reinstate(key_id: str, reason: str = typer.Option("", "--reason"), config: Path | None = CONFIG_OPT) -> None:
    """Reinstate a suspended key and clear its strikes (e.g. after an upheld appeal)."""
    from genguard.gateway.keys import set_status

    set_status(_store(config), key_id, "active", actor="cli", reason=reason)
    typer.echo(f"reinstated {key_id}")


@app.command("appeal")
def appeal_cmd(key_id: str, reason: str = typer.Option(..., "--reason", help="why the strikes are wrong"),
               config: Path | None = CONFIG_OPT) -> None:
    """Record an appeal for a key (staff review it with `genguard keys events`)."""
    from genguard.gateway.keys import appeal

    appeal(_store(config), key_id, reason, actor="cli")
    typer.echo(f"appeal recorded for {key_id}")


@app.command("events")
def events(key_id: str, config: Path | None = CONFIG_OPT) -> None:
    """A key's history: creation, strikes, ladder steps, appeals, reinstatement."""
    from genguard.gateway.keys import key_events

    for e in key_events(_store(config), key_id):
        typer.echo(f"{e.at.isoformat()}  {e.event:10} {e.actor:10} {e.detail}")
