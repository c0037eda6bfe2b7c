"""Trainable text classifiers (``classifier`` detector) and the ``injection`` heuristics."""
