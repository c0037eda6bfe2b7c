"""A real interruption: SIGINT the ``corpus clean`` CLI mid-run, re-run it, get the fresh result."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from corpus_helpers import write_source

SRC = Path(__file__).resolve().parents[2] / "src"


def _cli(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {"PYTHONPATH": str(SRC), "GENGUARD_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.Popen([sys.executable, "-m", "genguard.cli.app", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_interrupted_clean_resumes_to_the_same_output(tmp_path: Path, corpus_policy: str) -> None:
    pol = yaml.safe_load(Path(corpus_policy).read_text(encoding="utf-8"))
    pol["extensions"] = {"corpus": {"shard_mb": 1}}  # 1 MB shards: one checkpoint per MB
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(pol, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "web.jsonl"
    write_source(data, 17_000, harmful=170, pii=85, seed=9)
    n_shards = math.ceil(data.stat().st_size / 2**20)
    assert n_shards >= 3
    out = tmp_path / "out"
    args = ["corpus", "clean", str(data), "--out", str(out), "--policy", str(policy), "--ignore-blacklist"]

    proc = _cli(args, tmp_path / "home")
    deadline = time.monotonic() + 600
    done: list[Path] = []
    while proc.poll() is None and time.monotonic() < deadline:
        done = sorted(out.glob(".checkpoints/clean-*/shard-*.json"))
        if done:
            break
        time.sleep(0.02)
    assert done and proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "re-run to resume" in err, err  # the CLI says how to continue
    finished = {p.name: p.stat().st_mtime_ns for p in out.glob(".checkpoints/clean-*/shard-*.json")}
    assert 0 < len(finished) < n_shards
    assert not (out / "clean.json").exists()

    resumed = _cli(args, tmp_path / "home")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    after = {p.name: p.stat().st_mtime_ns for p in out.glob(".checkpoints/clean-*/shard-*.json")}
    assert len(after) == n_shards
    assert all(after[name] == mtime for name, mtime in finished.items())  # finished shards were not redone

    fresh_out = tmp_path / "fresh"
    fresh = _cli([*args[:3], "--out", str(fresh_out), *args[5:], "--no-resume"], tmp_path / "home")
    _, err = fresh.communicate(timeout=600)
    assert fresh.returncode == 0, err
    for name in ("cleaned.jsonl", "manifest.jsonl"):
        assert (out / name).read_bytes() == (fresh_out / name).read_bytes()
    assert (out / "manifest.jsonl").read_text(encoding="utf-8").count('"reason": "harmful"') == 170
