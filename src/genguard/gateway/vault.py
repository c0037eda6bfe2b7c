"""The proxy's PII vault: ``genguard.redact.vault.Vault`` kept in memory with a per-process key.

Personal data in a prompt is replaced by placeholders (``<EMAIL_1>``) before it leaves for the
upstream, and the placeholders in the answer are turned back into the user's values. A mapping
lives only for its request (the session is the request id and is forgotten when the response
is done), so the gateway keeps it in memory under a key generated at start-up: nothing has to
survive a restart, and no plaintext or key material is written anywhere.
"""

from __future__ import annotations

from cryptography.fernet import Fernet

from genguard.findings import Finding
from genguard.redact.vault import Vault


class VaultAdapter:
    def __init__(self, vault: Vault | None = None) -> None:
        self._vault = vault if vault is not None else Vault(key=Fernet.generate_key())

    def pseudonymize(self, text: str, findings: list[Finding], *, session: str) -> str:
        return self._vault.pseudonymize(text, findings, session=session)

    def restore(self, text: str, *, session: str) -> str:
        return self._vault.restore(text, session=session)

    def forget(self, session: str) -> None:
        self._vault.forget(session)

    def entries(self, session: str) -> dict[str, str]:
        """Placeholder -> entity type of a live session (no plaintext), for audits and tests."""
        return self._vault.entries(session)
