"""Governance records assembled from what the other modules already record.

Model food label (IMDA), TC260-003 evidence pack, capability gates and the frontier-safety
self-assessment. Nothing here invents evidence: a collector that finds nothing says so, and
documents show it as missing.
"""
