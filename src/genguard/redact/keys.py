"""Key material for the vault and the keyed hash operator.

The key comes from ``$GENGUARD_VAULT_KEY`` (a Fernet key: 32 url-safe base64 bytes) or from
``$GENGUARD_HOME/vault.key``, created with mode 0600 on first use. Separate sub-keys are derived
for encryption-adjacent uses (lookup digests, hashing) so one purpose never reuses another's key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet

from genguard.errors import ConfigError
from genguard.home import genguard_home

ENV_KEY = "GENGUARD_VAULT_KEY"


def normalize_key(key: bytes | str, *, where: str = "vault key") -> bytes:
    """Accept a Fernet key (44 base64 chars) or 32 raw bytes; return the Fernet form."""
    raw = key.encode() if isinstance(key, str) else key
    if len(raw) == 32:
        return base64.urlsafe_b64encode(raw)
    try:
        decoded = base64.urlsafe_b64decode(raw.strip())
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != 32:
        raise ConfigError(f"{where}: not a valid key (need 32 url-safe base64-encoded bytes, e.g. Fernet.generate_key())")
    return raw.strip()


def key_file() -> Path:
    return genguard_home() / "vault.key"


def load_vault_key() -> bytes:
    """The installation's vault key: environment first, else the 0600 key file (created if absent)."""
    env = os.environ.get(ENV_KEY)
    if env:
        return normalize_key(env, where=f"${ENV_KEY}")
    path = key_file()
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path}: vault key file is readable by others (mode {mode:o}); chmod 600 it")
        return normalize_key(path.read_bytes(), where=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return normalize_key(path.read_bytes(), where=str(path))
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def derive(key: bytes, purpose: str) -> bytes:
    """A purpose-bound sub-key (HMAC-SHA256 of the purpose under the master key)."""
    return hmac.new(base64.urlsafe_b64decode(key), purpose.encode(), hashlib.sha256).digest()
