"""Adapters that run external models as detectors: Hugging Face classifiers and guard LLMs."""
