"""Bad input to ``genguard govern``: a specific message naming what is wrong, exit code 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD_GATE = {"id": "g", "zh": "越狱", "en": "Jailbreak", "metric": {"name": "harmful_rate", "scope": "A1"},
             "thresholds": {"low": 0.05, "medium": 0.15, "high": 0.30}}


def _files(tmp: Path) -> dict[str, str]:
    (tmp / "fl.yaml").write_text("model: m\n", encoding="utf-8")
    (tmp / "fl_badkey.yaml").write_text("model: m\ncolour: red\n", encoding="utf-8")
    (tmp / "gbk.yaml").write_bytes("date: 2026-01-01\nassessor: 张三\n".encode("gbk"))
    (tmp / "gates_metric.yaml").write_text(yaml.safe_dump({"gates": [{**GOOD_GATE, "metric": {"name": "harmfull_rate"}}]}),
                                           encoding="utf-8")
    (tmp / "gates_scope.yaml").write_text(yaml.safe_dump({"gates": [{**GOOD_GATE, "metric": {"name": "harmful_rate", "scope": "A9"}}]}),
                                          encoding="utf-8")
    (tmp / "gates_broken.yaml").write_text("gates: [\n", encoding="utf-8")
    (tmp / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp / "bad_answers.yaml").write_text("items: [\n  question: ", encoding="utf-8")
    (tmp / "pol_answers.yaml").write_text(yaml.safe_dump({
        "name": "p7", "version": "1",
        "pre_checks": [{"type": "answer_bank", "directions": ["input"], "config": {"paths": ["bad_answers.yaml"], "mode": "answer"}}],
        "detectors": [{"type": "keywords", "config": {"banks": ["default"]}}],
        "rules": {"*": {"input": {"action": "refuse"}, "output": {"action": "block"}}}}), encoding="utf-8")
    return {k: str(tmp / f"{k}.yaml") for k in ("fl", "fl_badkey", "gbk", "gates_metric", "gates_scope", "gates_broken", "list",
                                                 "pol_answers")}


CASES = [
    (["pack", "--lang", "fr"], "--lang must be 'zh' or 'en'"),
    (["pack", "--not-applicable", "7-x=none"], "unknown clause '7-x'"),
    (["pack", "--not-applicable", "7-c"], "expects CLAUSE=REASON"),
    (["pack", "--policy", "{tmp}/nope.yaml"], "does not exist"),
    (["pack", "--gateway-config", "{list}"], "must be a YAML mapping"),
    (["pack", "--policy", "{pol_answers}"], "key 'pre_checks.0' (answer_bank)"),
    (["label", "-i", "{fl}", "--policy", "{pol_answers}"], "bad_answers.yaml: invalid YAML"),
    (["label", "-i", "{tmp}/nope.yaml"], "food-label file"),
    (["label", "-i", "{fl_badkey}"], "key 'colour'"),
    (["label", "-i", "{fl}", "--level", "secret"], "--level must be"),
    (["gate", "--config", "{gates_metric}"], "key 'gates.0.metric': unknown metric 'harmfull_rate'"),
    (["gate", "--config", "{gates_scope}"], "unknown metric scope 'A9'"),
    (["gate", "--config", "{gates_broken}"], "cannot read"),
    (["self-assess", "--scores", "{gbk}"], "cannot read"),
    (["pack", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"], "cannot"),
]


@pytest.mark.parametrize(("args", "expect"), CASES, ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _) in enumerate(CASES)])
def test_govern_cli_bad_input(tmp_path: Path, args: list[str], expect: str) -> None:
    files = _files(tmp_path)
    argv = [a.format(tmp=tmp_path, **files) for a in args]
    if "--db" not in argv:
        argv += ["--db", f"sqlite:///{tmp_path / 'g.db'}"]
    env = {**os.environ, "GENGUARD_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-m", "genguard.cli.app", "govern", *argv], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert expect in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
