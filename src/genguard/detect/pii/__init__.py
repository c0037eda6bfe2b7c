"""PII and secrets detection (detector type ``pii``): one recogniser module per family."""

from genguard.detect.pii.detector import ALL_ENTITIES, DEFAULT_ENTITIES, PiiDetector, category_of

__all__ = ["ALL_ENTITIES", "DEFAULT_ENTITIES", "PiiDetector", "category_of"]
