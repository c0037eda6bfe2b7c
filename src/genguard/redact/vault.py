"""Reversible pseudonymisation: spans become ``<PHONE_1>``-style placeholders, originals are kept
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) so a gateway can restore them in the model's answer.

Within a session the same value always gets the same placeholder, and numbering is per entity
type (``<CN_MOBILE_1>``, ``<CN_MOBILE_2>``, ``<EMAIL_1>``). Entries live in the store table
``redact_vault_entries`` when a :class:`~genguard.store.Store` is given, else in memory; either
way only ciphertext and a keyed lookup digest are held, never the plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken

from genguard.errors import ConfigError, StoreError
from genguard.findings import Finding
from genguard.redact.keys import derive, load_vault_key, normalize_key
from genguard.redact.operators import RedactionOperator, merge_findings, register_operator

if TYPE_CHECKING:
    from genguard.store import Store

PLACEHOLDER_RE = re.compile(r"<([A-Z][A-Z0-9_]*)_(\d{1,6})>")
_LABEL_CLEAN = re.compile(r"[^A-Z0-9]+")


def placeholder_label(finding: Finding) -> str:
    """``CN_MOBILE`` from the finding's entity (or its category), safe inside ``<..._N>``."""
    label = _LABEL_CLEAN.sub("_", (finding.entity or finding.category).upper()).strip("_")
    return label if label and label[0].isalpha() else f"E_{label}"


@dataclass(frozen=True)
class _Entry:
    placeholder: str
    entity: str
    lookup: str
    ciphertext: str


class Vault:
    """Encrypted placeholder <-> original mapping, per session."""

    def __init__(self, store: Store | None = None, key: bytes | None = None) -> None:
        fkey = normalize_key(key) if key is not None else load_vault_key()
        self._fernet = Fernet(fkey)
        self._lookup_key = derive(fkey, "genguard-vault-lookup")
        self._store = store
        self._mem: dict[str, dict[str, _Entry]] = {}
        self._lock = threading.Lock()

    # -- public API ------------------------------------------------------------------------
    def pseudonymize(self, text: str, findings: Sequence[Finding], *, session: str) -> str:
        """Replace every (merged) finding span by its session placeholder."""
        spans = merge_findings(f for f in findings if 0 <= f.start < f.end <= len(text))
        if not spans:
            return text
        wanted = [(placeholder_label(f), text[f.start : f.end]) for f in spans]
        mapping = self._assign(session, wanted)
        parts: list[str] = []
        pos = 0
        for f, (label, value) in zip(spans, wanted, strict=True):
            parts.append(text[pos : f.start])
            parts.append(mapping[(label, value)])
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts)

    def restore(self, text: str, *, session: str) -> str:
        """Put the originals back for every known placeholder of ``session``; others stay."""
        found = {m.group(0) for m in PLACEHOLDER_RE.finditer(text)}
        if not found:
            return text
        entries = self._load(session, placeholders=found)
        originals = {p: self._decrypt(e.ciphertext) for p, e in entries.items()}
        return PLACEHOLDER_RE.sub(lambda m: originals.get(m.group(0), m.group(0)), text)

    def missing(self, text: str, *, session: str) -> list[str]:
        """The placeholders in ``text`` that ``session`` does not hold, in order of first
        occurrence: :meth:`restore` leaves them as they are (a model may invent ``<PERSON_9>``, or
        the text came from another session), and a caller can say so instead of passing them on
        as if restored."""
        found = list(dict.fromkeys(m.group(0) for m in PLACEHOLDER_RE.finditer(text)))
        if not found:
            return []
        known = self._load(session, placeholders=set(found))
        return [p for p in found if p not in known]

    def forget(self, session: str) -> None:
        """Drop every mapping of ``session`` (its placeholders can no longer be restored)."""
        if self._store is None:
            with self._lock:
                self._mem.pop(session, None)
            return
        from sqlalchemy import delete

        from genguard.redact.models import VaultEntry

        with self._store.session() as s:
            s.execute(delete(VaultEntry).where(VaultEntry.session == session))

    def has_session(self, session: str) -> bool:
        """Whether ``session`` holds any placeholder, so callers can tell a mistyped session
        name (nothing to restore, ever) from a text that has no known placeholder."""
        if self._store is None:
            with self._lock:
                return bool(self._mem.get(session))
        from sqlalchemy import select

        from genguard.redact.models import VaultEntry

        with self._store.session() as s:
            return s.scalar(select(VaultEntry.id).where(VaultEntry.session == session).limit(1)) is not None

    def entries(self, session: str) -> dict[str, str]:
        """Placeholder -> entity type for a session (no plaintext), for audits and tests."""
        return {p: e.entity for p, e in self._load(session).items()}

    # -- internals -------------------------------------------------------------------------
    def _digest(self, session: str, label: str, value: str) -> str:
        msg = f"{session}\x00{label}\x00{value}".encode()
        return hmac.new(self._lookup_key, msg, hashlib.sha256).hexdigest()

    def _decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ConfigError("vault entry cannot be decrypted: the vault key differs from the one that wrote it") from None

    def _assign(self, session: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        for _attempt in range(5):
            try:
                return self._assign_once(session, wanted)
            except _Conflict:
                continue
        raise StoreError(f"vault: could not allocate placeholders for session {session!r} (concurrent writers)")

    def _assign_once(self, session: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        with self._lock:
            existing = self._load(session)
            by_lookup = {e.lookup: e.placeholder for e in existing.values()}
            counts: dict[str, int] = {}
            for e in existing.values():
                counts[e.entity] = max(counts.get(e.entity, 0), int(e.placeholder.rsplit("_", 1)[1][:-1]))
            out: dict[tuple[str, str], str] = {}
            new: list[_Entry] = []
            for label, value in wanted:
                if (label, value) in out:
                    continue
                digest = self._digest(session, label, value)
                ph = by_lookup.get(digest)
                if ph is None:
                    counts[label] = counts.get(label, 0) + 1
                    ph = f"<{label}_{counts[label]}>"
                    token = self._fernet.encrypt(value.encode()).decode()
                    entry = _Entry(ph, label, digest, token)
                    new.append(entry)
                    by_lookup[digest] = ph
                out[(label, value)] = ph
            if new:
                self._save(session, new)
            return out

    def _load(self, session: str, placeholders: set[str] | None = None) -> dict[str, _Entry]:
        if self._store is None:
            got = dict(self._mem.get(session, {}))
            return got if placeholders is None else {p: e for p, e in got.items() if p in placeholders}
        from sqlalchemy import select

        from genguard.redact.models import VaultEntry

        q = select(VaultEntry).where(VaultEntry.session == session)
        if placeholders is not None:
            q = q.where(VaultEntry.placeholder.in_(sorted(placeholders)))
        with self._store.session() as s:
            rows = s.scalars(q).all()
        return {r.placeholder: _Entry(r.placeholder, r.entity, r.lookup, r.ciphertext) for r in rows}

    def _save(self, session: str, new: list[_Entry]) -> None:
        if self._store is None:
            bucket = self._mem.setdefault(session, {})
            for e in new:
                bucket[e.placeholder] = e
            return
        from sqlalchemy.exc import IntegrityError

        from genguard.redact.models import VaultEntry

        try:
            with self._store.session() as s:
                s.add_all(
                    VaultEntry(session=session, placeholder=e.placeholder, entity=e.entity, lookup=e.lookup,
                               ciphertext=e.ciphertext)
                    for e in new
                )
        except IntegrityError:
            raise _Conflict from None


class _Conflict(Exception):
    """Another writer took a placeholder number first; reload and retry."""


@register_operator("vault")
def _vault_operator(session: str = "default", store_url: str | None = None) -> RedactionOperator:
    """Reversible placeholders through a :class:`Vault` (policy option ``session`` names the bucket)."""
    store: Any = None
    if store_url:
        from genguard.store import open_store

        store = open_store(store_url)
    vault = Vault(store)

    def op(finding: Finding, original: str) -> str:
        f = finding.model_copy(update={"start": 0, "end": len(original)})
        return vault.pseudonymize(original, [f], session=session)

    return op
