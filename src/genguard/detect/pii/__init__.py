"""PII and secrets detection (detector type ``pii``)."""
