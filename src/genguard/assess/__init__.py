"""Safety assessment and red teaming (``genguard assess``).

Test banks (``bank``) are sampled as TC260-003 prescribes, optionally mutated by attacks
(``mutators``), sent to a model (``targets``), judged (``judges``), stored in the database
(``models``/``runner``), summarised with confidence intervals and verdicts (``metrics``),
compared between runs (``diff``) and rendered (``reporting``).
"""
