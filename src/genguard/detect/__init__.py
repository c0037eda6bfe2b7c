"""Detectors turn text into findings. Each detector is a plug-in behind :class:`Detector`.

Detectors register a factory under a type name (``keywords``, ``pii``, ``classifier``...) and a
policy instantiates them from its ``detectors:`` section. Nothing here knows about actions:
deciding is the policy's job.
"""

from genguard.detect.base import DetectContext, Detector, build_detector, detector_types, register_detector

__all__ = ["DetectContext", "Detector", "build_detector", "detector_types", "register_detector"]
