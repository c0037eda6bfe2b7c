"""Execution backends for per-shard corpus tasks: ``local`` (processes) and ``ray`` (Ray Data).

Both yield each shard's result dict as soon as it is done (any order); callers sort by shard index
before merging, so results are identical whatever the backend or the number of workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genguard.corpus.readers import Shard
from genguard.corpus.tasks import Job
from genguard.errors import ConfigError

BACKENDS = ("local", "ray")


def run_shards(backend: str, shards: list[Shard], job: Job, workers: int) -> Iterator[dict[str, Any]]:
    if not shards:
        return iter(())
    if backend == "local":
        from genguard.corpus.backends.local import run_local

        return run_local(shards, job, workers)
    if backend == "ray":
        from genguard.corpus.backends.ray_backend import run_ray

        return run_ray(shards, job, workers)
    raise ConfigError(f"unknown backend {backend!r}; use one of: {', '.join(BACKENDS)}")
