"""A corpus process settles its guard before a long scan (corpus.tasks._settle)."""

from __future__ import annotations

import gc

from threadpoolctl import threadpool_info

from genguard.corpus import tasks
from genguard.findings import Direction


def test_guard_for_freezes_start_up_objects_and_keeps_blas_to_one_thread() -> None:
    from genguard.detect.classifier.model_io import resolve_model
    from genguard.detect.classifier.model_tables import _CACHE_KEY

    for name in ("cold_zh", "toxicity_en"):  # as in a fresh process: no model tables yet
        resolve_model(name).__dict__.pop(_CACHE_KEY, None)
    tasks._GUARDS.pop(None, None)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    guard = tasks.guard_for(None)
    assert gc.get_freeze_count() > 10_000  # the guard's tables, among the process's objects
    assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
    assert tasks.guard_for(None) is guard  # built once per process
    # what long documents reach was built too (before a run forks its workers)
    from genguard.detect.classifier.detector import ClassifierDetector

    models = [m for d in guard.detectors if isinstance(d, ClassifierDetector) for m in d.models]
    assert {m.name for m in models if _CACHE_KEY in m.__dict__} >= {"cold_zh", "toxicity_en"}
    # the settled guard decides as a fresh one does
    from genguard.guard import Guard

    text = "我的手机号是13812345678。I hate all immigrants, they are rats."
    fresh = Guard.from_policy(None)
    assert guard.check(text, Direction.OUTPUT).model_dump(exclude={"timings_ms"}) == fresh.check(
        text, Direction.OUTPUT).model_dump(exclude={"timings_ms"})
    gc.unfreeze()
