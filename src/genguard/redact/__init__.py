"""Redaction operators: turn flagged spans into masked, placeholder, hashed or fake values."""

from genguard.redact.operators import RedactionOperator, apply_redaction, get_operator, register_operator

__all__ = ["RedactionOperator", "apply_redaction", "get_operator", "register_operator"]
