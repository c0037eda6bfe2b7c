"""Adapter over the PII vault (``genguard.redact.vault.Vault``), imported lazily.

With the vault, personal data in a prompt is replaced by placeholders before it leaves for the
upstream, and the placeholders in the answer are turned back into the original values. Without
it (module not installed), the gateway falls back to the policy's irreversible redaction, and
``reversible`` is False so callers and tests can tell.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from genguard.findings import Finding
from genguard.redact import apply_redaction
from genguard.redact.operators import RedactionOperator

log = logging.getLogger("genguard.gateway.vault")


def _load_vault() -> Any | None:
    try:
        mod = importlib.import_module("genguard.redact.vault")
    except ImportError:
        return None
    cls = getattr(mod, "Vault", None)
    if cls is None:
        return None
    try:
        return cls()
    except TypeError as exc:
        log.warning("genguard.redact.vault.Vault() could not be built without arguments: %s", exc)
        return None


class VaultAdapter:
    def __init__(self, fallback: RedactionOperator, vault: Any | None = None) -> None:
        self._vault = vault if vault is not None else _load_vault()
        self._fallback = fallback

    @property
    def reversible(self) -> bool:
        return self._vault is not None

    def pseudonymize(self, text: str, findings: list[Finding], *, session: str) -> str:
        if self._vault is None:
            return apply_redaction(text, findings, self._fallback)
        return str(self._vault.pseudonymize(text, findings, session=session))

    def restore(self, text: str, *, session: str) -> str:
        if self._vault is None:
            return text
        return str(self._vault.restore(text, session=session))

    def forget(self, session: str) -> None:
        if self._vault is not None:
            self._vault.forget(session)
