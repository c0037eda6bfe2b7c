"""The Ray backend (local Ray, 2 CPUs) gives exactly the local backend's results."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_helpers import strip_volatile, write_source

from genguard.corpus.audit import run_audit
from genguard.corpus.clean import run_clean
from genguard.corpus.settings import CorpusSettings

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_backend_matches_local(tmp_path: Path, corpus_policy: str) -> None:
    d = tmp_path / "c"
    d.mkdir()
    write_source(d / "a.jsonl", 600, harmful=60, pii=20, seed=1)
    write_source(d / "b.jsonl", 600, harmful=6, seed=2)
    with (d / "a.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"text": 1}\n')
    st = CorpusSettings(sample_size=200, shard_mb=1)
    local = run_audit([d], out=tmp_path / "la", policy=corpus_policy, settings=st, seed=3, show_progress=False)
    local_clean = run_clean([d], out=tmp_path / "lc", policy=corpus_policy, settings=st, show_progress=False)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}})
    try:
        remote = run_audit([d], out=tmp_path / "ra", policy=corpus_policy, settings=st, seed=3, backend="ray",
                           workers=2, show_progress=False)
        remote_clean = run_clean([d], out=tmp_path / "rc", policy=corpus_policy, settings=st, backend="ray",
                                 workers=2, show_progress=False)
    finally:
        ray.shutdown()
    assert strip_volatile(remote) == strip_volatile(local)
    assert {s["source"]: s["verdict"] for s in remote["sources"]} == {"a": "blacklist", "b": "qualified"}
    assert remote["inputs"]["malformed"] == 1
    for name in ("cleaned.jsonl", "manifest.jsonl"):
        assert (tmp_path / "rc" / name).read_bytes() == (tmp_path / "lc" / name).read_bytes()
    assert remote_clean["counts"] == local_clean["counts"]
