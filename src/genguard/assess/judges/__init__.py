"""Judges: decide whether an answer refused, complied, or was harmful.

Judges are swappable: each returns a :class:`JudgeVerdict`; the runner combines the refusal
judge, the harm judge (Guard output checks) and optionally an LLM judge.
"""

from genguard.assess.judges.base import Judge, JudgeVerdict, RefusalLabel, build_judges

__all__ = ["Judge", "JudgeVerdict", "RefusalLabel", "build_judges"]
