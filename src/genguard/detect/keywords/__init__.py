"""Keyword detector: Aho-Corasick matching of per-risk term banks over normalised text."""

from genguard.detect.keywords.banks import KeywordBank, load_banks
from genguard.detect.keywords.detector import KeywordDetector

__all__ = ["KeywordBank", "KeywordDetector", "load_banks"]
