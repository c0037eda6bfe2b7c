"""Ray backend (``--backend ray``): shards as a Ray Dataset mapped by a pool of worker actors.

Each actor builds its Guard once. Ray is an optional extra (``pip install genguard[ray]``); a
local Ray instance sized to ``workers`` CPUs is started when none is running, and shut down
afterwards. The Ray workers get this genguard on their PYTHONPATH, so a source checkout works.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genguard.corpus.readers import Shard
from genguard.corpus.tasks import Job, run_task
from genguard.errors import ConfigError


def _run_row(row: dict[str, Any]) -> dict[str, Any]:
    """One shard per row. Ray reuses its worker processes across tasks, and each process caches
    its Guard (see ``tasks.guard_for``), so the Guard is built once per worker, not per shard."""
    shard: Shard = pickle.loads(row["shard"])
    job: Job = pickle.loads(row["job"])
    return {"shard": shard.index, "result": json.dumps(run_task(shard, job), ensure_ascii=False)}


def run_ray(shards: list[Shard], job: Job, workers: int) -> Iterator[dict[str, Any]]:
    try:
        import ray
    except ImportError:
        raise ConfigError("the Ray backend needs the optional extra: pip install 'genguard[ray]'") from None
    import genguard

    started = False
    if not ray.is_initialized():
        src = str(Path(genguard.__file__).resolve().parents[1])
        env = {"PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)}
        for var in ("GENGUARD_HOME", "GENGUARD_DB_URL"):
            if os.environ.get(var):
                env[var] = os.environ[var]
        ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                 configure_logging=False, runtime_env={"env_vars": env})
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        blob = pickle.dumps(job)
        items = [{"shard": pickle.dumps(s), "job": blob} for s in shards]
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        pool = ray.data.TaskPoolStrategy(size=max(1, min(workers, len(shards))))
        mapped = ds.map(_run_row, num_cpus=1, compute=pool)
        for row in mapped.iter_rows():
            yield json.loads(row["result"])
    finally:
        if started:
            ray.shutdown()
