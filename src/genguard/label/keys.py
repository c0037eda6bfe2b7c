"""Ed25519 signing keys for label integrity, kept under ``$GENGUARD_HOME/keys`` unless paths are given.

Private keys are PKCS#8 PEM (mode 0600), public keys SubjectPublicKeyInfo PEM. A key id is
the first 16 hex digits of SHA-256 over the raw public key, written into signatures so a
verifier can tell which key signed.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from genguard.errors import ConfigError, InputError
from genguard.home import genguard_home

PRIVATE_NAME = "label_ed25519.pem"
PUBLIC_NAME = "label_ed25519.pub.pem"


def keys_dir() -> Path:
    return genguard_home() / "keys"


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def backup_existing(path: Path) -> Path | None:
    """Move ``path`` aside to ``<name>.<UTC time>.bak`` (same folder, same mode) before it is replaced.

    A replaced signing key makes every label it signed unverifiable, and a replaced watermark
    secret makes every watermark undetectable, so ``--force`` keeps the old one instead of
    destroying it. Returns the backup path, or None when there was nothing to back up.
    """
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    os.replace(path, backup)
    return backup


def generate_keypair(directory: Path | None = None, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write a new key pair; refuses to replace an existing private key unless asked, and then backs it up."""
    priv_path, pub_path, _ = generate_keypair_with_backup(directory, overwrite=overwrite)
    return priv_path, pub_path


def generate_keypair_with_backup(
    directory: Path | None = None, *, overwrite: bool = False
) -> tuple[Path, Path, list[Path]]:
    """As :func:`generate_keypair`, also returning where the replaced key files were moved."""
    directory = directory or keys_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"key folder {str(directory)!r} is a file; give a folder") from None
    except OSError as exc:
        raise InputError(f"key folder {str(directory)!r}: cannot create it ({exc.strerror or exc})") from None
    priv_path, pub_path = directory / PRIVATE_NAME, directory / PUBLIC_NAME
    if priv_path.exists() and not overwrite:
        raise InputError(f"{priv_path}: a signing key already exists (use --force to replace it; the old one is kept as a .bak file)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    backups = [b for b in (backup_existing(priv_path), backup_existing(pub_path)) if b is not None]
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return priv_path, pub_path, backups


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = path or keys_dir() / PRIVATE_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: no signing key; create one with `genguard label keygen`")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: not a readable unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 key")
    return key


def load_public_key(path: Path | None = None) -> Ed25519PublicKey:
    path = path or keys_dir() / PUBLIC_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: no public key")
    data = path.read_bytes()
    try:
        if b"PRIVATE KEY" in data:
            priv = serialization.load_pem_private_key(data, password=None)
            key = priv.public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: not a readable PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path}: not an Ed25519 key")
    return key


def default_public_key() -> Ed25519PublicKey | None:
    path = keys_dir() / PUBLIC_NAME
    return load_public_key(path) if path.is_file() else None
