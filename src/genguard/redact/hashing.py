"""``hash`` operator: keyed, salted HMAC-SHA256 pseudonyms (``<EMAIL:3f9a0c1b2d4e>``).

Stable for a given key + salt (so analytics can still join on a value) but not reversible and
not brute-forceable without the key, unlike a plain hash of a phone number.
"""

from __future__ import annotations

import hashlib
import hmac

from genguard.findings import Finding
from genguard.redact.keys import derive, load_vault_key, normalize_key
from genguard.redact.operators import RedactionOperator, entity_label, register_operator


def keyed_digest(value: str, *, key: bytes, salt: str) -> str:
    return hmac.new(key, salt.encode() + b"\x00" + value.encode(), hashlib.sha256).hexdigest()


@register_operator("hash")
def _hash(salt: str = "genguard", length: int = 12, key: str | None = None) -> RedactionOperator:
    if not 8 <= length <= 64:
        raise TypeError("length must be between 8 and 64")
    master = normalize_key(key, where="redaction.options.key") if key else load_vault_key()
    sub = derive(master, "genguard-hash")

    def op(finding: Finding, original: str) -> str:
        return f"<{entity_label(finding)}:{keyed_digest(original, key=sub, salt=salt)[:length]}>"

    return op
