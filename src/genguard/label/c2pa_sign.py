"""C2PA manifests for images through c2pa-python (optional ``c2pa`` extra, native library in the wheel).

:func:`sign_image` embeds a manifest whose ``c2pa.actions`` assertion records a
``c2pa.created`` action with digitalSourceType ``trainedAlgorithmicMedia`` (IPTC term for
"created by a trained model"); :func:`verify_image` reads it back with the SDK's validation
and reports whether the signature, the content binding and (when a trust anchor is given)
the certificate chain hold. :func:`make_test_chain` builds a local CA + end-entity chain with
the extensions the C2PA certificate profile requires, for tests and demos only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genguard.errors import ConfigError, InputError
from genguard.label.formats.base import check_pillow

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
C2PA_CLAIM_SIGNING_EKU = "1.3.6.1.4.1.62558.2.1"


def _c2pa() -> Any:
    try:
        import c2pa
    except ImportError:
        raise ConfigError("C2PA needs the 'c2pa' extra: pip install 'genguard[c2pa]'") from None
    return c2pa


def _mime(path: Path) -> str:
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        raise InputError(f"{path}: C2PA signing supports {', '.join(MIME)} images")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return mime


def manifest_definition(producer: str, title: str) -> dict[str, Any]:
    return {
        "claim_generator_info": [{"name": "genguard", "version": "0.1.0"}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                            "softwareAgent": {"name": producer},
                        }
                    ]
                },
            }
        ],
    }


def _alg_for(key_pem: bytes) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"C2PA: private key is not a readable unencrypted PEM key: {exc}") from None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(key.curve.name, "")
    raise InputError("C2PA: use an Ed25519 or ECDSA (P-256/384/521) key")


def sign_image(src: Path, dest: Path, cert_chain_pem: bytes, key_pem: bytes, *, producer: str = "genguard") -> bytes:
    """Write ``dest``: ``src`` with an embedded, signed C2PA manifest marking it AI-generated."""
    c2pa = _c2pa()
    mime = _mime(src)
    alg = _alg_for(key_pem)
    info = c2pa.C2paSignerInfo(alg, cert_chain_pem, key_pem, None)
    try:
        signer = c2pa.Signer.from_info(info)
        with c2pa.Builder(manifest_definition(producer, src.name)) as builder, src.open("rb") as fin, io.BytesIO() as out:
            manifest = builder.sign(signer, mime, fin, out)
            dest.write_bytes(out.getvalue())
    except c2pa.C2paError as exc:
        raise InputError(f"{src}: C2PA signing failed: {exc}") from None
    return bytes(manifest)


@dataclass
class C2paResult:
    has_manifest: bool
    valid: bool
    ai_generated: bool
    validation_state: str = ""
    problems: list[str] = field(default_factory=list)
    signer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "has_manifest": self.has_manifest,
            "valid": self.valid,
            "ai_generated": self.ai_generated,
            "validation_state": self.validation_state,
            "problems": self.problems,
            "signer": self.signer,
        }


def verify_image(path: Path, *, trust_anchors: bytes | None = None) -> C2paResult:
    """Validate the active manifest; ``valid`` means no validation failure (trusted chain when anchors are given)."""
    c2pa = _c2pa()
    mime = _mime(path)
    settings: dict[str, Any] = {"verify": {"verify_trust": trust_anchors is not None}}
    if trust_anchors is not None:
        try:
            settings["trust"] = {"trust_anchors": trust_anchors.decode("ascii")}
        except UnicodeDecodeError:
            raise InputError("C2PA trust anchors must be PEM certificates (text), not binary DER") from None
    try:
        ctx = c2pa.Context(c2pa.Settings.from_dict(settings))
        with path.open("rb") as fh:
            reader = c2pa.Reader.try_create(mime, fh, context=ctx)
            if reader is None:
                return C2paResult(False, False, False, problems=["no C2PA manifest"])
            with reader:
                store = json.loads(reader.json())
                state = reader.get_validation_state() or ""
    except c2pa.C2paError as exc:
        # a damaged image is the user's input error, not a finding about a manifest it may not even
        # hold (a truncated PNG was reported as "has_manifest": true with exit 4)
        check_pillow(path, "PNG" if mime == "image/png" else "JPEG")
        return C2paResult(True, False, False, problems=[f"C2PA manifest unreadable: {exc}"])
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    failures = [s for s in store.get("validation_status", []) or [] if s.get("code")]
    vr = store.get("validation_results", {}).get("activeManifest", {}) if store.get("validation_results") else {}
    failures += vr.get("failure", []) or []
    problems = [f"{s.get('code')}: {s.get('explanation', '')}".strip() for s in failures]
    ai = False
    for a in active.get("assertions", []):
        if a.get("label", "").startswith("c2pa.actions"):
            for act in a.get("data", {}).get("actions", []):
                if act.get("digitalSourceType") == TRAINED_ALGORITHMIC_MEDIA:
                    ai = True
    signer = (active.get("signature_info") or {}).get("common_name") or (active.get("signature_info") or {}).get("issuer", "")
    valid = not problems and state.lower() in ("valid", "trusted")
    return C2paResult(True, valid, ai, state, problems, signer)


def make_test_chain(directory: Path, *, days: int = 30) -> tuple[Path, Path, Path]:
    """A throw-away CA + end-entity (ECDSA P-256) chain meeting the C2PA certificate profile.

    Returns (chain PEM: end-entity then CA, end-entity private key PEM, CA certificate PEM).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "genguard test CA"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "genguard")]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ee_key = ec.generate_private_key(ec.SECP256R1())
    ee_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "genguard test signer"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "genguard")]
    )
    ee = (
        x509.CertificateBuilder()
        .subject_name(ee_name)
        .issuer_name(ca_name)
        .public_key(ee_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier(C2PA_CLAIM_SIGNING_EKU)]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ee_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = directory / "chain.pem"
    chain.write_bytes(ee.public_bytes(pem) + ca.public_bytes(pem))
    key = directory / "signer.key"
    key.write_bytes(
        ee_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca.public_bytes(pem))
    return chain, key, ca_path
