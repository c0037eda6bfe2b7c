"""PII benchmarks: labelled Chinese PII in COLD carriers, Presidio comparison, throughput."""
