"""``genguard redact``: find personal data and secrets in a text or JSONL file and rewrite them.

Operators: mask, placeholder, hash, fake, vault (reversible: ``--restore`` puts the originals
back for a session). ``--file`` streams JSONL with the same resumable, one-output-line-per-input
contract as ``genguard check --file``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from genguard.cli._input import require_jsonl_paths, require_text_or_file, require_utf8
from genguard.errors import GenguardError, InputError


class Operator(StrEnum):
    mask = "mask"
    placeholder = "placeholder"
    hash = "hash"
    fake = "fake"
    vault = "vault"


def build_pii_detector(policy: str | None, entities: list[str]) -> tuple[Any, Any]:
    """The policy's ``pii`` detector (or a default one), optionally narrowed to ``entities``."""
    from genguard.detect.base import build_detector
    from genguard.policy import load_policy

    pol = load_policy(policy)
    spec = next((d for d in pol.detectors if d.type == "pii"), None)
    config: dict[str, Any] = dict(spec.config) if spec else {}
    if entities:
        config["entities"] = [e.strip().upper() for chunk in entities for e in chunk.split(",") if e.strip()]
        config.pop("exclude", None)
    return build_detector("pii", config, name=spec.instance_name if spec else "pii"), pol


class _Redactor:
    """Detector + operator (+ vault) assembled once for many texts."""

    def __init__(self, policy: str | None, operator: Operator, entities: list[str], session: str) -> None:
        from genguard.redact import Vault, get_operator

        self.detector, pol = build_pii_detector(policy, entities)
        self.session = session
        self.vault: Vault | None = None
        if operator == Operator.vault:
            from genguard.store import open_store

            self.vault = Vault(open_store())
            self.op = None
        else:
            from genguard.policy import policy_key

            opts = pol.redaction.options if pol.redaction.operator == operator.value else {}
            with policy_key(pol.extensions.get("_source"), "redaction.options"):
                self.op = get_operator(operator.value, **opts)

    def redact(self, text: str) -> tuple[str, list[Any]]:
        from genguard.detect.base import DetectContext
        from genguard.redact import apply_redaction

        findings = self.detector.detect(DetectContext(text))
        if self.vault is not None:
            return self.vault.pseudonymize(text, findings, session=self.session), findings
        assert self.op is not None
        return apply_redaction(text, findings, self.op), findings


def stream_jsonl(
    fn: Callable[[str], dict[str, Any]], src: Path, out: Path, field: str, command: str
) -> tuple[int, int, int, list[tuple[int, str]]]:
    """One output record per input line (``fn``'s fields, or an error), resumable like ``check --file``
    (``command``, e.g. ``"pii scan"``, is the one whose output a resumed ``out`` must hold)."""
    from genguard.cli.jsonl import _parse_line, new_record, prepare_paths

    done = prepare_paths(src, out, command)
    redacted = errors = 0
    error_lines: list[tuple[int, str]] = []
    with src.open("rb") as fh, out.open("a", encoding="utf-8") as sink:
        for line_no, raw in enumerate(fh, start=1):
            if line_no <= done:
                continue
            record: dict[str, Any] = new_record(line_no, raw)
            try:
                text = _parse_line(raw, field, first=line_no == 1)
                if text is None:
                    record["skipped"] = "blank line"
                else:
                    record.update(fn(text))
                    redacted += 1
            except GenguardError as exc:
                record["error"] = str(exc)
                errors += 1
                error_lines.append((line_no, str(exc)))
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()
    return redacted, done, errors, error_lines


def _require_own_field(field: str) -> None:
    """Refuses a ``--field`` named like a key genguard writes into each output record: the
    redacted text and that key would overwrite one another (``--field entities`` lost the
    redacted text under the entity list; ``--field line`` the line number resuming reads)."""
    from genguard.cli.jsonl import RECORD_KEYS

    taken = (*RECORD_KEYS, "entities")
    if field in taken:
        raise InputError(f"--field {field!r} is a key genguard writes into each output record "
                         f"({', '.join(taken)}); redact a field with another name (rename it in the input)")


def redact(
    text: str | None = typer.Argument(None, help="text to redact (omit when using --file)"),
    operator: Operator = typer.Option(Operator.placeholder, "--operator", "-o", help="how to replace findings"),
    entities: list[str] = typer.Option([], "--entities", "-e", help="entity types to redact (comma-separated or repeated)"),
    policy: str | None = typer.Option(None, "--policy", "-p", help="policy YAML whose pii detector config to use"),
    session: str = typer.Option("cli", "--session", help="vault session (operator vault / --restore)"),
    restore: bool = typer.Option(False, "--restore", help="put vault originals back into TEXT for --session"),
    file: Path | None = typer.Option(None, "--file", help='JSONL input, one {"text": ...} per line'),
    out: Path | None = typer.Option(None, "--out", help="JSONL output for --file (re-run to resume)"),
    field: str = typer.Option("text", "--field", help="JSON field holding the text in --file"),
    show: bool = typer.Option(False, "--show-findings", help="also list the findings (TEXT mode, on stderr)"),
) -> None:
    """Redact personal information (S4) and secrets (S5). 脱敏个人信息与密钥。"""
    require_text_or_file(text, file)
    if text is not None:
        require_utf8(text)
    if restore:
        if text is None:
            raise InputError("--restore works on a TEXT argument")
        from genguard.redact import Vault
        from genguard.store import open_store

        vault = Vault(open_store())
        # a mistyped --session would otherwise echo the text unchanged, as if nothing were to restore
        if not vault.has_session(session):
            raise InputError(f"vault session {session!r} does not exist in this store (no text was redacted with "
                             f"--operator vault --session {session}); check the --session name")
        typer.echo(vault.restore(text, session=session))
        left = vault.missing(text, session=session)
        if left:  # restored what it could; say which placeholders the session does not hold
            shown = ", ".join(left[:10]) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
            typer.echo(f"warning: {len(left)} placeholder(s) not in vault session {session!r} left as they are "
                       f"/ 会话中不存在的占位符已原样保留: {shown}", err=True)
        return
    if file is not None:  # before the detector is built: path mistakes are reported at once
        out = require_jsonl_paths(file, out)
        _require_own_field(field)
    r = _Redactor(policy, operator, entities, session)
    if text is not None:
        new, findings = r.redact(text)
        typer.echo(new)
        if show:
            err = Console(stderr=True)
            for f in findings:
                err.print(f"  {f.category} {f.entity:20} {f.score:.2f} [{f.start}:{f.end}] {f.evidence!r}", highlight=False)
        return
    assert file is not None and out is not None

    def one(t: str) -> dict[str, Any]:
        new, findings = r.redact(t)
        return {field: new, "entities": [f.entity for f in findings]}

    redacted, resumed, errors, error_lines = stream_jsonl(one, file, out, field, "redact")
    err = Console(stderr=True)
    err.print(f"redacted {redacted} lines ({resumed} already done), {errors} malformed -> {out}", highlight=False)
    for line_no, msg in error_lines[:20]:
        err.print(f"  line {line_no}: {msg}", highlight=False)
    from genguard.cli.check import fail_if_nothing_read

    fail_if_nothing_read(file, redacted + resumed, error_lines)


COMMANDS = {"redact": redact}
