"""Content labelling and provenance (GB 45438-2025, IMDA, C2PA).

Submodules: ``explicit`` (visible notices on text), ``implicit`` (the ``AIGC`` metadata
object in files, one handler per format), ``integrity`` (Ed25519 signatures in
ReservedCode1), ``watermark`` (KGW green-list text watermark via transformers), ``c2pa_sign``
(C2PA manifests for images) and ``registry`` (hash + SimHash output registry).
Heavy libraries are imported inside the functions that need them.
"""

from genguard.label.explicit import add_explicit_label, has_explicit_label, strip_explicit_label

__all__ = ["add_explicit_label", "has_explicit_label", "strip_explicit_label"]
