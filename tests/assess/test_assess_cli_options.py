"""`assess run/resume/report/diff` options are checked before any work is done or anything is stored.

QA sweep: --out naming an existing file got all six reports written over it in turn; a malformed
--base-url created a run and retried every item with only a client class name as the cause;
negative samples meant "the whole bank"; --lang xx wrote report.xx.html; --formats nosuch was
refused only after the whole run; report/diff output paths gave raw tracebacks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import ConfigError, InputError

runner = CliRunner()


def _bank(tmp_path: Path) -> Path:
    p = tmp_path / "bank.jsonl"
    rows = [{"id": f"g{i}", "question": f"generated question {i}", "risk": "A1.4", "bank": "generated-content"} for i in range(3)]
    rows += [{"id": f"r{i}", "question": f"refuse question {i}", "risk": "A1.4", "bank": "should-refuse"} for i in range(3)]
    rows += [{"id": f"n{i}", "question": f"normal question {i}", "bank": "should-not-refuse"} for i in range(3)]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


def _run(tmp_path: Path, *flags: str) -> tuple[object, str]:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    res = runner.invoke(app, ["assess", "run", "--bank", str(_bank(tmp_path)), "--target-type", "scripted", "--db", db,
                              "--no-progress", *flags])
    return res, db


def _runs(db: str) -> list[str]:
    listed = runner.invoke(app, ["assess", "list", "--db", db])
    assert listed.exit_code == 0, listed.output
    return [line.split("\t")[0] for line in listed.output.splitlines() if line]


def test_out_that_is_a_file_is_refused_before_the_run_and_left_intact(tmp_path: Path) -> None:
    victim = tmp_path / "mine.csv"
    victim.write_text("a,b\n1,2\n", encoding="utf-8")
    res, db = _run(tmp_path, "--out", str(victim))
    assert isinstance(res.exception, InputError), res.output
    assert "is a file, not a folder" in str(res.exception)
    assert victim.read_text(encoding="utf-8") == "a,b\n1,2\n" and _runs(db) == []
    res, db = _run(tmp_path, "--out", str(victim / "sub"))
    assert isinstance(res.exception, InputError) and "is a file, not a folder" in str(res.exception)
    assert _runs(db) == []


def test_out_folder_with_a_dot_in_its_name_gets_every_report(tmp_path: Path) -> None:
    out = tmp_path / "reports.v2"
    res, _ = _run(tmp_path, "--out", str(out), "--formats", "html,json,junit", "--lang", "zh,en")
    assert res.exit_code in (0, 1), res.output
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.en.html", "report.json", "report.zh.html"]


@pytest.mark.parametrize(("base_url", "says"), [
    ("not a url", "is not a URL"),
    ("htp:/bad url", "is not a URL"),
    ("htp://example.com/v1", "scheme 'htp'"),
    ("127.0.0.1:8000/v1", "use http:// or https://"),
    ("http://127.0.0.1:99999", "port must be a number 1-65535"),
    ("http://127.0.0.1:0/v1", "port 0"),
    ("http:///v1", "names no host"),
])
def test_malformed_base_url_is_refused_before_a_run_is_created(tmp_path: Path, base_url: str, says: str) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    res = runner.invoke(app, ["assess", "run", "--bank", str(_bank(tmp_path)), "--base-url", base_url, "--model", "m",
                              "--db", db, "--no-progress", "--out", str(tmp_path / "o")])
    assert isinstance(res.exception, ConfigError), res.output
    assert says in str(res.exception) and repr(base_url) in str(res.exception)
    assert _runs(db) == [] and not (tmp_path / "o").exists()


def test_gateway_base_url_is_checked_as_given() -> None:
    from genguard.assess.targets import build_target

    with pytest.raises(ConfigError, match="gateway target base_url 'nope': no scheme"):
        build_target({"type": "gateway", "base_url": "nope"})
    assert build_target({"type": "gateway", "base_url": "https://gw.example:8443"}).url == "https://gw.example:8443/v1/chat/completions"


@pytest.mark.parametrize(("flags", "says"), [
    (["--sample", "-3"], "--sample"),
    (["--refusal-sample", "-1"], "--refusal-sample"),
    (["--lang", "xx"], "unknown report language 'xx'"),
    (["--lang", "zh,fr"], "unknown report language 'fr'"),
    (["--formats", "nosuch"], "unknown report format 'nosuch'"),
    (["--formats", "html,pdf"], "unknown report format 'pdf'"),
    (["--formats", ","], "no report format given"),
])
def test_bad_sample_lang_or_formats_are_refused_before_the_run(tmp_path: Path, flags: list[str], says: str) -> None:
    out = tmp_path / "o"
    res, db = _run(tmp_path, "--out", str(out), *flags)
    if isinstance(res.exception, InputError):  # the CLI entry point prints it as "error: ..." and exits 2
        assert says in str(res.exception)
    else:  # a range checked by the option parser
        assert res.exit_code == 2 and says in res.output, res.output
    assert _runs(db) == [] and not out.exists()


def test_sample_zero_means_the_whole_bank(tmp_path: Path) -> None:
    res, _ = _run(tmp_path, "--sample", "0", "--refusal-sample", "0", "--out", str(tmp_path / "o"), "--formats", "json")
    assert res.exit_code in (0, 1), res.output
    assert json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))["totals"]["items"] == 9


def test_resume_report_and_diff_options(tmp_path: Path) -> None:
    res, db = _run(tmp_path, "--out", str(tmp_path / "o"), "--formats", "json")
    assert res.exit_code in (0, 1), res.output
    [run_id] = _runs(db)
    victim = tmp_path / "mine.csv"
    victim.write_text("keep", encoding="utf-8")

    for conc in ("0", "-5", "2000"):
        r = runner.invoke(app, ["assess", "resume", run_id, "--db", db, "--concurrency", conc])
        assert r.exit_code == 2 and "--concurrency" in r.output, r.output
    r = runner.invoke(app, ["assess", "resume", run_id, "--db", db, "--no-progress", "--out", str(victim)])
    assert isinstance(r.exception, InputError) and "is a file, not a folder" in str(r.exception)
    r = runner.invoke(app, ["assess", "resume", run_id, "--db", db, "--no-progress", "--lang", "xx"])
    assert isinstance(r.exception, InputError) and "'xx'" in str(r.exception)
    assert victim.read_text(encoding="utf-8") == "keep"

    r = runner.invoke(app, ["assess", "report", run_id, "--db", db, "--out", str(victim / "x.html")])
    assert isinstance(r.exception, InputError) and "is a file, not a folder" in str(r.exception), r.output
    r = runner.invoke(app, ["assess", "report", run_id, "--db", db, "--out", "/proc/nope/x.html"])
    assert isinstance(r.exception, InputError), r.output
    r = runner.invoke(app, ["assess", "report", run_id, "--db", db, "--lang", "xx", "--out", str(tmp_path / "r")])
    assert isinstance(r.exception, InputError) and "use zh or en" in str(r.exception) and not (tmp_path / "r").exists()
    r = runner.invoke(app, ["assess", "report", run_id, "--db", db, "--format", "pdf", "--out", str(tmp_path / "r")])
    assert isinstance(r.exception, InputError) and "'pdf'" in str(r.exception) and not (tmp_path / "r").exists()
    r = runner.invoke(app, ["assess", "report", run_id, "--db", db, "--format", "md", "--lang", "zh", "--out", str(tmp_path / "r")])
    assert r.exit_code == 0 and (tmp_path / "r" / "report.zh.md").is_file(), r.output

    for drop in ("-1", "5"):
        r = runner.invoke(app, ["assess", "diff", run_id, run_id, "--db", db, "--min-drop", drop])
        assert r.exit_code == 2 and "--min-drop" in r.output, r.output
    r = runner.invoke(app, ["assess", "diff", run_id, run_id, "--db", db, "--json", str(tmp_path)])
    assert isinstance(r.exception, InputError) and "is a directory" in str(r.exception)
    r = runner.invoke(app, ["assess", "diff", run_id, run_id, "--db", db, "--json", str(victim / "d.json")])
    assert isinstance(r.exception, InputError) and "is a file, not a folder" in str(r.exception)
    r = runner.invoke(app, ["assess", "diff", run_id, run_id, "--db", db, "--min-drop", "1", "--json", str(tmp_path / "d" / "d.json")])
    assert r.exit_code == 0 and json.loads((tmp_path / "d" / "d.json").read_text(encoding="utf-8"))["min_drop"] == 1.0
