"""The `genguard incidents` CLI: commands, clear errors and exit codes (no tracebacks)."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import GenguardError

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["incidents", *args])
    return res.exit_code, res.output


def test_new_list_move_show_export(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    ev = tmp_path / "shot.png"
    ev.write_bytes(b"\x89PNG fake")
    code, out = _run("new", "--kind", "vulnerability", "--category", "jailbreak", "--title", "grandma exploit", "--risk", "S2",
                     "--severity", "important", "--evidence-file", str(ev), "--audit-id", "aud-1", "--run-id", "run-3",
                     "--reporter-contact", "r@example.com", "--db", db)
    assert code == 0, out
    ref = out.strip()
    assert ref.startswith("VUL-")
    code, out = _run("list", "--format", "json", "--db", db)
    [row] = json.loads(out)
    assert row["ref"] == ref and [e["kind"] for e in row["evidence"]] == ["file", "audit_log", "assessment_run"]
    assert _run("move", ref, "triaged", "--note", "confirmed", "--actor", "eve", "--db", db) == (0, f"{ref}: triaged\n")
    code, out = _run("show", ref, "--format", "json", "--db", db)
    shown = json.loads(out)
    assert shown["timeline"][-1] == {**shown["timeline"][-1], "actor": "eve", "from": "received", "to": "triaged", "note": "confirmed"}
    assert {d["rule"] for d in shown["deadlines"]} == {"vulnerability_acknowledge", "coordinated_disclosure"}
    out_file = tmp_path / "r.html"
    code, out = _run("export", "--format", "html", "--ref", ref, "--lang", "zh", "--out", str(out_file), "--db", db)
    assert code == 0 and "越狱" in out_file.read_text("utf-8")
    code, csv_out = _run("export", "--format", "csv", "--redact", "--db", db)
    assert code == 0 and csv_out.startswith("url,source_domain,title") and "r@example.com" not in csv_out
    # JSON export -> import into a second database
    j = tmp_path / "all.json"
    assert _run("export", "--format", "json", "--out", str(j), "--db", db)[0] == 0
    db2 = f"sqlite:///{tmp_path / 'cli2.db'}"
    assert _run("import", str(j), "--db", db2) == (0, "imported 1 records\n")
    code, out = _run("overdue", "--format", "json", "--fail", "--db", db)
    assert code == 0 and json.loads(out) == []
    code, out = _run("purge", "--dry-run", "--db", db)
    assert code == 0 and "would delete 0 records" in out and "183 days" in out


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "GENGUARD_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "genguard.cli.app", "incidents", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_user_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    code, out = _run("new", "--kind", "complaint", "--title", "ok title", "--db", f"sqlite:///{home / 'genguard.db'}")
    assert code == 0, out
    ref = out.strip()
    cases = [
        (("move", ref, "disclosed"), "illegal transition from 'received' to 'disclosed'; allowed from 'received': triaged, rejected"),
        (("move", "NOPE", "triaged"), "no incident record with reference 'NOPE'"),
        (("new", "--kind", "vulnerability", "--title", "abc"), "needs a category"),
        (("new", "--kind", "complaint", "--title", "   "), "title: Value error, needs at least 3 characters of visible text"),
        (("new", "--kind", "complaint", "--title", "\u200b\u200b\u200b"), "title: Value error, needs at least 3"),
        (("new", "--kind", "complaint", "--title", "abc", "--risk", "Z9"), "unknown risk code 'Z9'"),
        (("new", "--kind", "complaint", "--title", "abc", "--evidence-file", str(tmp_path / "missing.bin")), "does not exist"),
        (("purge", "--days", "10"), "below the legal minimum"),
        (("export", "--format", "md"), "pass exactly one --ref"),
        (("import", str(tmp_path / "none.json")), "cannot read"),
        (("list", "--status", "weird"), "--status 'weird' is not one of received, triaged"),
        (("list", "--severity", "urgent"), "--severity 'urgent' is not one of low, moderate, important, critical"),
        (("new", "--kind", "incident", "--title", "abc", "--aware-at", "2026-11-20T09:00:00"), "aware_at needs a timezone"),
        (("new", "--kind", "incident", "--title", "abc", "--aware-at", "yesterday"), "aware_at: Input should be a valid datetime"),
        (("new", "--kind", "incident", "--title", "abc", "--aware-at", "2999-01-01T00:00:00Z"), "is in the future"),
    ]
    # through the real entry point (error boundary in genguard.cli.app.main): message, exit 2, no traceback
    for args, message in cases[:1]:
        res = _cli(*args, home=home)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert message in " ".join(res.stderr.split()), (args, res.stderr)
        assert "Traceback" not in res.stderr
    # the rest in-process: each raises a GenguardError (which main() prints) with the message
    for args, message in cases[1:]:
        res = runner.invoke(app, ["incidents", *args, "--db", f"sqlite:///{home / 'genguard.db'}"])
        assert isinstance(res.exception, GenguardError), (args, res.output, res.exception)
        assert message in str(res.exception), (args, str(res.exception))


def test_overdue_fail_flag_and_purge_override(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    url = f"sqlite:///{db}"
    # a record received 60 days ago, written through the API with a controlled clock
    from datetime import UTC, datetime, timedelta

    from genguard.incidents import registry
    from genguard.incidents.schema import parse_new_record
    from genguard.store import open_store

    then = datetime.now(UTC) - timedelta(days=60)
    store = open_store(url)
    rec = registry.create(store, parse_new_record({"kind": "complaint", "title": "ignored complaint"}), clock=lambda: then)
    store.dispose()
    code, out = _run("overdue", "--db", url, "--fail")
    assert code == 1 and rec.ref in out
    code, out = _run("overdue", "--db", url, "--format", "json")
    assert {o["rule"] for o in json.loads(out)} == {"complaint_acknowledge", "complaint_response"}
    assert _run("move", rec.ref, "rejected", "--db", url)[0] == 0
    code, out = _run("purge", "--days", "0", "--allow-below-legal-minimum", "--db", url)
    assert code == 0 and "deleted 1 records" in out


def test_import_of_an_invalid_record_is_refused_and_leaves_nothing_to_crash_on(tmp_path: Path) -> None:
    """QA: a record with status 'zombie' imported, then `incidents move` crashed with a ValueError."""
    home = tmp_path / "home"
    home.mkdir()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"genguard_incidents": 1, "records": [{
        "ref": "CMP-20990101-aaaaaaaa", "kind": "complaint", "category": None, "title": "imported", "description": "",
        "affected": "", "risk_codes": [], "severity": "ultra", "status": "zombie", "owner": None, "serious_criteria": [],
        "channel": "cli", "source_event_id": None, "language": "en", "extra": {}, "received_at": "2026-12-03T14:04:39+00:00",
        "aware_at": None, "updated_at": "2026-12-03T14:04:39+00:00", "closed_at": None, "reporter": None, "evidence": [],
        "timeline": []}]}), encoding="utf-8")
    res = _cli("import", str(bad), home=home)
    assert res.returncode == 2, (res.stdout, res.stderr)
    err = " ".join(res.stderr.split())
    assert "records[0] (CMP-20990101-aaaaaaaa): severity:" in err and "status:" in err and "nothing imported" in err
    assert "Traceback" not in res.stderr
    assert _run("list", "--format", "json", "--db", f"sqlite:///{home / 'genguard.db'}") == (0, "[]\n")



def test_new_aware_at_starts_the_serious_clock_and_reports_show_it(tmp_path: Path) -> None:
    """QA 21: a manually filed incident can say when the provider became aware."""
    from datetime import UTC, datetime, timedelta

    db = f"sqlite:///{tmp_path / 'aware.db'}"
    aware = (datetime.now(UTC) - timedelta(days=12)).replace(microsecond=0)
    code, out = _run("new", "--kind", "incident", "--title", "fatal advice", "--serious", "death", "--aware-at", aware.isoformat(),
                     "--db", db)
    assert code == 0, out
    ref = out.strip()
    shown = json.loads(_run("show", ref, "--format", "json", "--db", db)[1])
    assert shown["aware_at"] == aware.isoformat()
    [d] = [d for d in shown["deadlines"] if d["rule"].startswith("serious_")]
    assert d["start"] == aware.isoformat() and d["state"] == "overdue"
    md = _run("show", ref, "--db", db)[1]
    assert "Aware since" in md and aware.strftime("%Y-%m-%d %H:%M UTC") in md
    assert "知悉时间" in _run("show", ref, "--lang", "zh", "--db", db)[1]


def test_show_csv_is_csv(tmp_path: Path) -> None:
    """QA 22: --format csv was offered by show but printed Markdown."""
    from genguard.incidents.export import AIID_FIELDS, read_aiid_csv

    db = f"sqlite:///{tmp_path / 'csv.db'}"
    ref = _run("new", "--kind", "complaint", "--title", "rude answer", "--db", db)[1].strip()
    code, out = _run("show", ref, "--format", "csv", "--db", db)
    assert code == 0 and out.startswith(",".join(AIID_FIELDS))
    assert read_aiid_csv(out)[0]["url"] == f"urn:genguard:{ref}"


def test_chinese_reports_and_tables_are_chinese(tmp_path: Path) -> None:
    """QA 18: event kinds, evidence kinds, the registry's own notes and the list table in zh."""
    db = f"sqlite:///{tmp_path / 'zh.db'}"
    ref = _run("new", "--kind", "vulnerability", "--category", "jailbreak", "--title", "越狱", "--audit-id", "a1", "--run-id", "r1",
               "--reporter-name", "王五", "--db", db)[1].strip()
    _run("assign", ref, "张工", "--db", db)
    _run("redact-reporter", ref, "--db", db)
    md = _run("show", ref, "--lang", "zh", "--db", db)[1]
    for zh in ("审计日志: a1", "评估运行: r1", "经由命令行提交", "指派负责人", "→ 张工", "报告人信息脱敏", "报告人身份已删除"):
        assert zh in md, zh
    for en in ("audit_log", "assessment_run", "via cli", "assigned", "redacted", "reporter identity erased", "&gt;"):
        assert en not in md, en
    assert "Assigned" in _run("show", ref, "--db", db)[1]
    code, out = _run("list", "--lang", "zh", "--db", db)
    assert code == 0 and "共 1 条记录" in out and "编号" in out and "负责人" in out and "records" not in out
    assert "已逾期" in _run("overdue", "--lang", "zh", "--db", db)[1]


def test_language_codes_regional_accepted_unknown_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lang.db'}"
    ref = _run("new", "--kind", "complaint", "--title", "rude answer", "--db", db)[1].strip()
    assert "投诉举报" in _run("show", ref, "--lang", "zh-CN", "--db", db)[1]
    assert "Complaint" in _run("show", ref, "--lang", "en_US", "--db", db)[1]
    for args in (("show", ref), ("list",), ("overdue",), ("export", "-f", "md", "--ref", ref), ("new", "-k", "complaint", "-t", "abc")):
        res = runner.invoke(app, ["incidents", *args, "--lang", "fr", "--db", db])
        assert isinstance(res.exception, GenguardError), (args, res.output)
        assert "--lang 'fr': not a supported language; use zh or en" in str(res.exception)


def test_show_prints_notes_as_typed_and_md_stays_escaped(tmp_path: Path) -> None:
    """The terminal view shows what people typed (``a < b & c``); the Markdown file format keeps
    escaping it, so a renderer never sees raw HTML."""
    db = f"sqlite:///{tmp_path / 'typed.db'}"
    code, ref = _run("new", "--kind", "incident", "--title", "x <b> & y", "--db", db)
    assert code == 0, ref
    ref = ref.strip()
    assert _run("move", ref, "triaged", "--note", "rate < 5% & rising", "--db", db)[0] == 0
    text = _run("show", ref, "--db", db)[1]
    assert "rate < 5% & rising" in text and "x <b> & y" in text and "&lt;" not in text and "&amp;" not in text
    md = _run("show", ref, "--format", "md", "--db", db)[1]
    assert "rate &lt; 5% &amp; rising" in md and "<b>" not in md


def test_terminal_text_drops_control_characters() -> None:
    from genguard.incidents.export import terminal_safe

    assert terminal_safe("ok\x1b[31mred\u202e\n<tag> & more") == "ok[31mred\n<tag> & more"
