"""Source ledger on SQLite and PostgreSQL, and the corpus CLI end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from corpus_helpers import write_source
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.corpus.ledger import SourceLedger
from genguard.errors import InputError
from genguard.store import open_store


def test_ledger_crud_blacklist_audits_and_export(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url)
    led = SourceLedger(store)
    led.add("weibo", origin="https://weibo.example/dump", licence="proprietary", collected_on="2026-03-01",
            owner="data-team", notes="public posts")
    led.add("books", origin="/data/books", licence="CC-BY-4.0")
    with pytest.raises(InputError, match="already in the ledger"):
        led.add("books")
    with pytest.raises(InputError, match="ISO date"):
        led.add("x", collected_on="March 2026")
    led.add("books", owner="library", update=True)
    assert led.get("books")["owner"] == "library" and led.get("books")["licence"] == "CC-BY-4.0"
    with pytest.raises(InputError, match="reason"):
        led.blacklist("weibo", " ")
    with pytest.raises(InputError, match="not in the ledger"):
        led.blacklist("nowhere", "bad")
    led.blacklist("weibo", "8.1% harmful in audit 2026-04")
    assert led.blacklisted() == {"weibo"}
    led.record_audit("run1", {"source": "forum", "verdict": "blacklist", "sampled": 4000, "total": 9000,
                              "harmful_rate": 0.07, "qualified_rate": 0.9, "reasons": ["harmful 7.00% > 5%"]})
    led.record_audit("run1", {"source": "books", "verdict": "qualified", "sampled": 4000, "total": 5000,
                              "harmful_rate": 0.0, "qualified_rate": 0.99, "reasons": []})
    assert led.blacklisted() == {"weibo", "forum"}
    assert led.get("forum")["blacklist_reason"] == "harmful 7.00% > 5%"
    assert [a["verdict"] for a in led.audits("books")] == ["qualified"]
    rows = {r["name"]: r for r in led.list()}
    assert rows["books"]["last_verdict"] == "qualified" and rows["forum"]["last_verdict"] == "blacklist"
    assert led.export(tmp_path / "l.json") == 3
    data = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    assert {d["name"] for d in data} == {"books", "forum", "weibo"}
    weibo = next(d for d in data if d["name"] == "weibo")
    assert weibo["licence"] == "proprietary" and weibo["collected_on"] == "2026-03-01" and weibo["blacklisted"]
    led.export(tmp_path / "l.csv")
    with (tmp_path / "l.csv").open(encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["name"] for r in got] == ["books", "forum", "weibo"] and got[2]["blacklist_reason"].startswith("8.1%")
    led.unblacklist("weibo")
    assert led.blacklisted() == {"forum"}
    store.dispose()


def test_cli_sources_audit_clean_and_errors(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    r = runner.invoke(app, ["corpus", "sources", "add", "forum", "--origin", "https://f.example", "--licence",
                            "CC-BY-SA-4.0", "--collected", "2026-01-02", "--db", db])
    assert r.exit_code == 0, r.output
    d = tmp_path / "c"
    d.mkdir()
    write_source(d / "forum.jsonl", 200, harmful=20)
    write_source(d / "news.jsonl", 200)
    (d / "broken.csv").write_bytes(b"text\nfine\n\xff\xfe\n")
    out = tmp_path / "audit"
    r = runner.invoke(app, ["corpus", "audit", str(d), "--out", str(out), "--policy", corpus_policy, "--full",
                            "--db", db])
    assert r.exit_code == 0, r.output
    assert "blacklist" in r.output
    rep = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert rep["malformed"] == [{"file": str(d / "broken.csv"), "line": 3, "problem": rep["malformed"][0]["problem"],
                                 "source": "broken"}]
    r = runner.invoke(app, ["corpus", "sources", "list", "--json", "--db", db])
    listed = {x["name"]: x for x in json.loads(r.output)}
    assert listed["forum"]["blacklisted"] and listed["forum"]["last_verdict"] == "blacklist"
    assert listed["news"]["last_verdict"] == "qualified" and not listed["news"]["blacklisted"]
    # clean respects the ledger's blacklist
    r = runner.invoke(app, ["corpus", "clean", str(d), "--out", str(tmp_path / "clean"), "--policy", corpus_policy,
                            "--db", db])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "clean" / "clean.json").read_text(encoding="utf-8"))
    assert summary["reasons"]["blacklisted_source"] == 200 and summary["accounted"]
    r = runner.invoke(app, ["corpus", "sources", "export", str(tmp_path / "ledger.csv"), "--db", db])
    assert r.exit_code == 0 and "exported 3 sources" in r.output
    # user mistakes are GenguardErrors (the CLI's error boundary prints them without a traceback)
    r = runner.invoke(app, ["corpus", "audit", str(tmp_path / "missing.jsonl"), "--out", str(out)])
    assert isinstance(r.exception, InputError) and "does not exist" in str(r.exception)
    r = runner.invoke(app, ["corpus", "clean", str(d), "--out", str(out), "--pii-operator", "nonsense"])
    assert r.exception is not None and "unknown redaction operator" in str(r.exception)
    r = runner.invoke(app, ["corpus", "audit", str(d), "--out", str(out), "--backend", "spark", "--no-record"])
    assert r.exception is not None and "unknown backend" in str(r.exception)
    # unwritable outputs: named, not a traceback
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for cmd in (["corpus", "audit", str(d), "--no-record"], ["corpus", "clean", str(d)], ["corpus", "annotate-qa", str(d)]):
        r = runner.invoke(app, [*cmd, "--out", str(blocker / "sub")])
        assert isinstance(r.exception, InputError) and "cannot write there" in str(r.exception), cmd
    r = runner.invoke(app, ["corpus", "sources", "export", str(tmp_path), "--format", "json", "--db", db])
    assert isinstance(r.exception, InputError) and "cannot write the ledger export" in str(r.exception)
    r = runner.invoke(app, ["corpus", "audit", str(d), "--out", str(out), "--encoding", "utf-16", "--no-record"])
    assert isinstance(r.exception, InputError) and "convert the files to UTF-8" in str(r.exception)


def test_cli_main_prints_error_without_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    p = subprocess.run([sys.executable, "-m", "genguard.cli.app", "corpus", "audit", str(tmp_path / "nope.jsonl"),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True,
                       env={"PYTHONPATH": str(src), "GENGUARD_HOME": str(tmp_path / "h"), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 2 and "does not exist" in p.stderr and "Traceback" not in p.stderr


def test_ledger_names_are_normalised_and_update_needs_an_existing_source(tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'names.db'}"
    r = runner.invoke(app, ["corpus", "sources", "add", "ghost", "--update", "--owner", "me", "--db", db])
    assert isinstance(r.exception, InputError) and "not in the ledger" in str(r.exception)
    r = runner.invoke(app, ["corpus", "sources", "add", " weibo ", "--db", db])
    assert r.exit_code == 0 and "source weibo added" in r.output
    r = runner.invoke(app, ["corpus", "sources", "add", "weibo ", "--update", "--owner", "team", "--db", db])
    assert r.exit_code == 0 and "source weibo updated" in r.output
    r = runner.invoke(app, ["corpus", "sources", "blacklist", " weibo", "--reason", "harmful", "--db", db])
    assert r.exit_code == 0 and "source weibo blacklisted: harmful" in r.output, r.output
    led = SourceLedger(url=db)
    assert [(x["name"], x["owner"], x["blacklisted"]) for x in led.list()] == [("weibo", "team", True)]
    assert led.get(" weibo ") is not None and led.blacklisted() == {"weibo"}
    led.record_audit("run1", {"source": "weibo ", "verdict": "qualified", "sampled": 1, "total": 1,
                              "harmful_rate": 0.0, "qualified_rate": 1.0})
    assert [a["verdict"] for a in led.audits(" weibo")] == ["qualified"] and len(led.list()) == 1
    r = runner.invoke(app, ["corpus", "sources", "blacklist", "weibo  ", "--remove", "--db", db])
    assert r.exit_code == 0 and led.blacklisted() == set()
    with pytest.raises(InputError, match="must not be empty"):
        led.blacklist("  ", "reason", create=True)


def test_cli_lists_skipped_files_and_every_malformed_file(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    d = tmp_path / "c"
    d.mkdir()
    write_source(d / "news.jsonl", 20)
    for i in range(7):
        (d / f"bad{i}.jsonl").write_text('{"text": "torn\n' * (i + 1), encoding="utf-8")
    (d / "weird.xyz").write_text("hello\n", encoding="utf-8")
    out = d / "report"
    r = runner.invoke(app, ["corpus", "audit", str(d), "--out", str(out), "--policy", corpus_policy, "--full", "--no-record"])
    assert r.exit_code == 0, r.output
    flat = "".join(r.output.split())  # Rich folds long lines (and paths) at the terminal width
    assert "28malformedrecords" in flat and "...and2morefiles(13records)" in flat
    assert "2pathsundertheinputsnotread" in flat and "weird.xyz(unknownfiletype" in flat
    rep = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [Path(k["path"]).name for k in rep["skipped_files"]] == ["report", "weird.xyz"]
    r = runner.invoke(app, ["corpus", "audit", str(d), "--out", str(out), "--policy", corpus_policy, "--full", "--no-record"])
    assert r.exit_code == 0 and json.loads((out / "audit.json").read_text(encoding="utf-8"))["inputs"] == rep["inputs"]


def test_clean_warns_when_a_blacklisted_name_comes_from_a_file_name(tmp_path: Path, corpus_policy: str) -> None:
    """``projB/train.jsonl`` takes its source name from its file name, so a ledger entry ``train``
    blacklisted for another dataset drops all of it: clean says so, with the ledger's reason and
    origin, and how to name the sources; a corpus named with --source is not affected."""
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    r = runner.invoke(app, ["corpus", "sources", "add", "train", "--origin", "projA/train.jsonl", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["corpus", "sources", "blacklist", "train", "--reason", "harmful 8.4%", "--db", db])
    assert r.exit_code == 0, r.output
    (tmp_path / "projB").mkdir()
    write_source(tmp_path / "projB" / "train.jsonl", 12)
    args = ["corpus", "clean", str(tmp_path / "projB" / "train.jsonl"), "--policy", corpus_policy, "--db", db]
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "out1")])
    assert r.exit_code == 0, r.output
    flat = " ".join(r.output.split())
    assert "warning: dropped as blacklisted in the ledger: train (12 documents; harmful 8.4%; origin projA/train.jsonl)" in flat
    assert "--source or --source-field" in flat
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "out2"), "--source", "projB-train"])
    assert r.exit_code == 0 and "blacklisted" not in r.output, r.output
    assert len((tmp_path / "out2" / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()) == 12
