"""Run shard tasks on a backend with per-shard checkpoints and a Rich progress bar.

A shard's result is written to ``<checkpoint dir>/shard-NNNNN.json`` (atomically) as soon as it
arrives; a re-run with the same inputs and settings (same fingerprint) loads those and only runs
the missing shards, so an interrupted audit or clean resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from genguard.corpus.backends import run_shards
from genguard.corpus.readers import Inputs, ReaderConfig, Shard, collect_inputs, plan_shards
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.tasks import Job, guard_for
from genguard.guard import Guard


def prepare_inputs(
    paths: list[str | Path], reader: ReaderConfig | None, settings: CorpusSettings | None, policy: str | None,
    out: Path | None = None,
) -> tuple[ReaderConfig, Guard, CorpusSettings, Inputs, list[Shard]]:
    """What audit and clean both start from: the reader, the guard of the policy, the corpus
    settings (the policy's ``corpus:`` section unless given), the input files (a directory walk
    leaves out the run's own ``out`` folder; :func:`collect_inputs`) and their shards."""
    reader = reader or ReaderConfig()
    guard = guard_for(policy)
    if settings is None:
        settings = CorpusSettings.from_policy_extensions(guard.policy.extensions, policy or "default policy")
    inputs = collect_inputs(paths, reader, exclude=[out] if out is not None else [])
    shards = plan_shards(inputs.files, reader, settings.shard_mb * 1024 * 1024)
    return reader, guard, settings, inputs, shards


def fingerprint(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x00")
    return h.hexdigest()[:16]


def files_fingerprint(files: list[str]) -> list[tuple[str, int, int]]:
    out = []
    for f in files:
        st = os.stat(f)
        out.append((f, st.st_size, st.st_mtime_ns))
    return out


def policy_fingerprint(policy: str | None) -> str:
    if policy is None:
        return "default"
    p = Path(policy)
    return hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.is_file() else policy


def execute(
    label: str, shards: list[Shard], job: Job, *, backend: str, workers: int, checkpoint_dir: Path | None,
    show_progress: bool | None = None,
) -> list[dict[str, Any]]:
    """Results for every shard, ordered by shard index (resumed from checkpoints where present)."""
    done: dict[int, dict[str, Any]] = {}
    if checkpoint_dir is not None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
        for s in shards:
            f = checkpoint_dir / f"shard-{s.index:05d}.json"
            if f.is_file():
                try:
                    res = json.loads(f.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue  # torn checkpoint: run the shard again
                if res.get("key") == s.key and _intermediate_ok(res):
                    done[s.index] = res
    todo = [s for s in shards if s.index not in done]
    total = sum(s.nbytes for s in shards)
    resumed = sum(s.nbytes for s in shards if s.index in done)
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    console = Console(stderr=True)
    if done and show_progress:
        console.print(f"{label}: resuming, {len(done)}/{len(shards)} shards already done", highlight=False)
    with Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TextColumn("shards"),
        TransferSpeedColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, disable=not show_progress, transient=False,
    ) as progress:
        task = progress.add_task(label, total=total, completed=resumed)
        by_index = {s.index: s for s in shards}
        for res in run_shards(backend, todo, job, workers):
            idx = int(res["shard"])
            done[idx] = res
            if checkpoint_dir is not None:
                tmp = checkpoint_dir / f"shard-{idx:05d}.json.part"
                tmp.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
                tmp.replace(checkpoint_dir / f"shard-{idx:05d}.json")
            progress.advance(task, by_index[idx].nbytes)
    return [done[s.index] for s in shards]


def _intermediate_ok(res: dict[str, Any]) -> bool:
    inter = res.get("intermediate")
    return inter is None or Path(inter).is_file()
