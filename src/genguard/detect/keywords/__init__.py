"""Keyword detector: Aho-Corasick matching of per-risk term banks over normalised text."""

from genguard.detect.keywords.banks import KeywordBank, load_bank_file, load_banks
from genguard.detect.keywords.detector import KeywordDetector
from genguard.detect.keywords.engine import Hit, KeywordEngine, compile_engine

__all__ = ["Hit", "KeywordBank", "KeywordDetector", "KeywordEngine", "compile_engine", "load_bank_file", "load_banks"]
