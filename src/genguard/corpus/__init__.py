"""Training-corpus governance (TC260-003 section 5): source ledger, sampled audit, cleaning,
dedup, evaluation-set decontamination and annotation QA, on a local or Ray backend."""
