"""Signed labels: ReservedCode1 (producer) and ReservedCode2 (propagator) carry Ed25519 signatures.

A code reads ``gg1:ed25519:<key id>:<content sha256>:<signature, base64url>``. The signature
covers canonical JSON of the content digest (the file with its label removed, computed per
format) and the label fields of that role, so :func:`verify_file` can tell *which* part was
changed: the content (digest mismatch) or the fields (signature mismatch).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from genguard.errors import InputError
from genguard.label import implicit
from genguard.label.fields import AIGCLabel
from genguard.label.formats.base import LegacyDigest
from genguard.label.keys import key_id
from genguard.label.messages import Reason, render

SCHEME = "gg1"

PRESENT, ABSENT, TAMPERED, UNVERIFIED = "present", "absent", "tampered", "unverified"


@dataclass(frozen=True)
class Code:
    kid: str
    digest: str
    signature: bytes


def _message(role: str, digest: str, label: AIGCLabel) -> bytes:
    d = label.to_dict()
    keys = ["Label", "ContentProducer", "ProduceID"]
    if role == "propagator":
        keys += ["ReservedCode1", "ContentPropagator", "PropagateID"]
    body = {"v": 1, "role": role, "content_sha256": digest, **{k: d[k] for k in keys}}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def make_code(key: Ed25519PrivateKey, digest: str, label: AIGCLabel, role: str = "producer") -> str:
    sig = key.sign(_message(role, digest, label))
    b64 = base64.urlsafe_b64encode(sig).decode().rstrip("=")
    return f"{SCHEME}:ed25519:{key_id(key.public_key())}:{digest}:{b64}"


def parse_code(code: str) -> Code | None:
    parts = code.split(":")
    if len(parts) != 5 or parts[0] != SCHEME or parts[1] != "ed25519":
        return None
    try:
        sig = base64.urlsafe_b64decode(parts[4] + "=" * (-len(parts[4]) % 4))
    except ValueError:
        return None
    return Code(kid=parts[2], digest=parts[3], signature=sig)


def sign_file(
    path: Path | str,
    *,
    producer: str,
    key: Ed25519PrivateKey | None,
    produce_id: str | None = None,
    label: str = "1",
    fmt: str | None = None,
) -> AIGCLabel:
    """Write a producer label (signed when ``key`` is given); replaces any label already there."""
    if not producer.strip():
        raise InputError("label: ContentProducer (--producer) must not be empty")
    if not label.strip():
        raise InputError("label: Label (--label) must not be empty; use 1/generated, 2/possibly or 3/suspected")
    path = Path(path)
    with implicit.naming(path):
        new = AIGCLabel(Label=label, ContentProducer=producer, ProduceID=produce_id or uuid.uuid4().hex)
    if key is not None:
        digest = implicit.content_digest(path, fmt)
        new = replace(new, ReservedCode1=make_code(key, digest, new, "producer"))
    implicit.write_label(path, new, fmt)
    return new


def propagate_file(
    path: Path | str,
    *,
    propagator: str,
    propagate_id: str,
    key: Ed25519PrivateKey | None = None,
    fmt: str | None = None,
) -> AIGCLabel:
    """Add a distributing platform's fields to the existing label, keeping the producer's intact."""
    path = Path(path)
    current = implicit.read_label(path, fmt)
    if current is None:
        raise InputError(f"{path}: has no AIGC label to add propagator fields to (label it first)")
    updated = current.with_propagator(propagator, propagate_id, reserved2="")
    if key is not None:
        digest = implicit.content_digest(path, fmt)
        updated = updated.with_propagator(propagator, propagate_id, make_code(key, digest, updated, "propagator"))
    implicit.write_label(path, updated, fmt)
    return updated


@dataclass
class VerifyResult:
    """What ``verify`` found. ``notes`` are the reasons as (message key, params), rendered in zh or en
    by :meth:`reasons_in`; ``reasons`` is the English rendering (API and JSON callers)."""

    status: str
    notes: list[Reason] = field(default_factory=list)
    label: AIGCLabel | None = None
    signer: str = ""
    propagator_signer: str = ""

    @property
    def reasons(self) -> list[str]:
        return self.reasons_in("en")

    def reasons_in(self, lang: str) -> list[str]:
        return [render(n, lang) for n in self.notes]

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "status": self.status,
            "reasons": self.reasons_in(lang),
            "label": self.label.to_dict() if self.label else None,
            "extra_fields": self.label.extra_fields() if self.label else {},
            "signer": self.signer,
            "propagator_signer": self.propagator_signer,
        }


def label_notes(label: AIGCLabel) -> list[Reason]:
    """What a read label states beyond or short of the standard (extra fields, unstated fields)."""
    notes: list[Reason] = []
    if "Label" in label.missing:
        notes.append(("label_not_stated", {}))
    required_missing = [m for m in label.missing if m in ("ContentProducer", "ProduceID")]
    if required_missing:
        notes.append(("missing_fields", {"names": ", ".join(required_missing)}))
    if label.extra:
        notes.append(("extra_fields", {"names": ", ".join(name for name, _ in label.extra)}))
    return notes


def _check(
    role: str, code_text: str, digest_now: str, label: AIGCLabel, keys: dict[str, Ed25519PublicKey]
) -> tuple[str, list[Reason], str]:
    field_name = "ReservedCode1" if role == "producer" else "ReservedCode2"
    code = parse_code(code_text)
    if code is None:
        return UNVERIFIED, [("no_signature", {"field": field_name})], ""
    reasons: list[Reason] = []
    status = PRESENT
    if code.digest != digest_now:
        status = TAMPERED
        reasons.append(("content_changed", {"role": role}))
    pub = keys.get(code.kid)
    if pub is None:
        if status != TAMPERED:
            status = UNVERIFIED
        reasons.append(("key_not_supplied", {"role": role, "kid": code.kid}))
        return status, reasons, code.kid
    try:
        pub.verify(code.signature, _message(role, code.digest, label))
    except InvalidSignature:
        status = TAMPERED
        reasons.append(("fields_changed", {"role": role}))
    return status, reasons, code.kid


def _legacy_match(path: Path, fmt: str | None, label: AIGCLabel, digest_now: str) -> LegacyDigest | None:
    """The earlier-release digest the producer signed, when it is not the current one."""
    code = parse_code(label.ReservedCode1)
    if code is None or code.digest == digest_now:
        return None
    return next((d for d in implicit.legacy_digests(path, fmt) if d.digest == code.digest), None)


def verify_file(
    path: Path | str, *, public_keys: list[Ed25519PublicKey] | None = None, fmt: str | None = None
) -> VerifyResult:
    """present (label intact), absent (no label), tampered (content or fields changed) or unverified.

    A label that does not state ``Label`` cannot be *present*: it says nothing about the content's
    nature, so it is at best *unverified*. Extra fields another vendor added are reported, not fatal.
    """
    path = Path(path)
    try:
        label = implicit.read_label(path, fmt)
    except InputError as exc:
        if "allows exactly one" in str(exc) or "differ" in str(exc):
            return VerifyResult(TAMPERED, [("not_one_label", {"detail": str(exc)})])
        raise
    if label is None:
        return VerifyResult(ABSENT, [("absent_label", {})])
    keys = {key_id(k): k for k in (public_keys or [])}
    current = implicit.content_digest(path, fmt)
    legacy = _legacy_match(path, fmt, label, current)
    digest = legacy.digest if legacy is not None else current
    status, reasons, signer = _check("producer", label.ReservedCode1, digest, label, keys)
    result = VerifyResult(status, reasons, label, signer)
    p_code = parse_code(label.ReservedCode2) if label.ReservedCode2 else None
    if p_code is not None:
        # a platform may have signed with the current digest a file the producer signed earlier
        p_digest = digest if p_code.digest == digest else current
        p_status, p_reasons, p_signer = _check("propagator", label.ReservedCode2, p_digest, label, keys)
        result.propagator_signer = p_signer
        result.notes += p_reasons
        if p_status == TAMPERED:
            result.status = TAMPERED
    if result.status == PRESENT and not result.notes:
        if legacy is not None and not legacy.complete:
            result.status = UNVERIFIED
            result.notes.append(("intact_partly_checked", {"kid": signer}))
        else:
            result.notes.append(("intact", {"kid": signer}))
    if legacy is not None:
        result.notes.append(("legacy_digest", {"covered": legacy.covered}))
    if "Label" in label.missing and result.status == PRESENT:
        result.status = UNVERIFIED
    result.notes += label_notes(label)
    return result
