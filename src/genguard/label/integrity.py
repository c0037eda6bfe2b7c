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
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from genguard.errors import InputError
from genguard.label import implicit
from genguard.label.fields import AIGCLabel
from genguard.label.formats.base import LegacyDigest
from genguard.label.keys import key_id

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
    path = Path(path)
    with implicit.naming(path):
        new = AIGCLabel(Label=label, ContentProducer=producer, ProduceID=produce_id or uuid.uuid4().hex)
    if key is not None:
        digest = implicit.content_digest(path, fmt)
        new = AIGCLabel(**{**new.to_dict(), "ReservedCode1": make_code(key, digest, new, "producer")})
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
    status: str
    reasons: list[str] = field(default_factory=list)
    label: AIGCLabel | None = None
    signer: str = ""
    propagator_signer: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "reasons": self.reasons,
            "label": self.label.to_dict() if self.label else None,
            "signer": self.signer,
            "propagator_signer": self.propagator_signer,
        }


def _check(
    role: str, code_text: str, digest_now: str, label: AIGCLabel, keys: dict[str, Ed25519PublicKey]
) -> tuple[str, list[str], str]:
    field_name = "ReservedCode1" if role == "producer" else "ReservedCode2"
    code = parse_code(code_text)
    if code is None:
        return UNVERIFIED, [f"{field_name} carries no genguard signature (cannot check integrity)"], ""
    reasons: list[str] = []
    status = PRESENT
    if code.digest != digest_now:
        status = TAMPERED
        reasons.append(f"content changed since the {role} signed it (content digest differs)")
    pub = keys.get(code.kid)
    if pub is None:
        if status != TAMPERED:
            status = UNVERIFIED
        reasons.append(f"{role} signature made with key {code.kid}, which was not supplied (--pubkey)")
        return status, reasons, code.kid
    try:
        pub.verify(code.signature, _message(role, code.digest, label))
    except InvalidSignature:
        status = TAMPERED
        reasons.append(f"{role} label fields changed (signature does not match)")
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
    """present (label intact), absent (no label), tampered (content or fields changed) or unverified."""
    path = Path(path)
    try:
        label = implicit.read_label(path, fmt)
    except InputError as exc:
        if "allows exactly one" in str(exc) or "differ" in str(exc):
            return VerifyResult(TAMPERED, [str(exc)])
        raise
    if label is None:
        return VerifyResult(ABSENT, ["no AIGC label in the file"])
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
        result.reasons += p_reasons
        if p_status == TAMPERED:
            result.status = TAMPERED
    if result.status == PRESENT and not result.reasons:
        if legacy is not None and not legacy.complete:
            result.status = UNVERIFIED
            result.reasons.append(f"label intact; signed by key {signer}; only part of the content could be checked")
        else:
            result.reasons.append(f"label intact; content unchanged; signed by key {signer}")
    if legacy is not None:
        result.reasons.append(
            f"signed with an earlier genguard release's content digest ({legacy.covered}); label the file again"
        )
    return result
