"""Redaction operators (mask, placeholder, hash, fake, vault) and the reversible vault."""

from genguard.redact import fake, hashing, vault  # noqa: F401  (register their operators)
from genguard.redact.operators import (
    RedactionOperator,
    apply_redaction,
    get_operator,
    merge_findings,
    operator_names,
    register_operator,
)
from genguard.redact.vault import Vault

__all__ = [
    "RedactionOperator",
    "Vault",
    "apply_redaction",
    "get_operator",
    "merge_findings",
    "operator_names",
    "register_operator",
]
