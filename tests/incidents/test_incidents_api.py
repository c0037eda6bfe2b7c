"""The HTTP API over real HTTP on loopback: permissions, validation, size limits, floods, injection."""

import json

import httpx
import pytest

from conftest import STAFF, USER
from genguard.incidents import registry
from genguard.incidents.api import IntakeSettings, make_router

GOOD = {"kind": "complaint", "title": "Biased answer about my hometown",
        "description": "The assistant said people from my region are lazy.", "risk_codes": ["A2.4"],
        "reporter": {"name": "Zhao", "contact": "zhao@example.com", "consent_contact": True}}


def test_anonymous_can_only_submit(store, clock, live) -> None:  # type: ignore[no-untyped-def]
    with live(store, make_router(clock=clock)) as url, httpx.Client(base_url=url, timeout=10) as c:
        r = c.post("/v1/incidents/submit", json=GOOD)
        assert r.status_code == 201, r.text
        ref = r.json()["ref"]
        assert ref.startswith("CMP-") and r.json()["status"] == "received" and set(r.json()["message"]) == {"zh", "en"}
        assert "zhao@example.com" not in r.text
        staff_calls = [("GET", "/v1/incidents", None), ("GET", f"/v1/incidents/{ref}", None), ("GET", "/v1/incidents/overdue", None),
                       ("GET", "/v1/incidents/export", None), ("GET", f"/v1/incidents/{ref}/report", None),
                       ("POST", f"/v1/incidents/{ref}/move", {"to": "triaged"}), ("POST", f"/v1/incidents/{ref}/assign", {"owner": "me"}),
                       ("POST", "/v1/incidents", {"kind": "incident", "title": "made up"})]
        for method, path, body in staff_calls:
            anon = c.request(method, path, json=body)
            assert anon.status_code == 401, (path, anon.text)
            user = c.request(method, path, json=body, headers=USER)
            assert user.status_code == 403, (path, user.text)
        # nothing changed by the refused calls
        rec = registry.get(store, ref)
        assert rec.status == "received" and rec.owner is None and len(registry.list_records(store)) == 1


def test_staff_workflow(store, clock, live) -> None:  # type: ignore[no-untyped-def]
    with live(store, make_router(clock=clock)) as url, httpx.Client(base_url=url, timeout=10, headers=STAFF) as c:
        ref = c.post("/v1/incidents/submit", json=GOOD).json()["ref"]
        vul = c.post("/v1/incidents", json={"kind": "vulnerability", "category": "jailbreak", "title": "DAN prompt works",
                                            "severity": "critical", "risk_codes": ["S2"]})
        assert vul.status_code == 201 and vul.json()["timeline"][0]["actor"] == "staff-key"
        listed = c.get("/v1/incidents", params={"kind": "complaint"}).json()
        assert [x["ref"] for x in listed] == [ref] and "contact" not in listed[0]["reporter"]
        shown = c.get(f"/v1/incidents/{ref}").json()
        assert shown["reporter"]["contact"] == "zhao@example.com" and shown["allowed_moves"] == ["triaged", "rejected"]
        assert {d["rule"] for d in shown["deadlines"]} == {"complaint_acknowledge", "complaint_response"}
        bad = c.post(f"/v1/incidents/{ref}/move", json={"to": "disclosed"})
        assert bad.status_code == 409
        assert "illegal transition from 'received' to 'disclosed'" in bad.json()["detail"] and "triaged, rejected" in bad.json()["detail"]
        assert c.post(f"/v1/incidents/{ref}/move", json={"to": "triaged", "note": "ack"}).json()["status"] == "triaged"
        assert c.post(f"/v1/incidents/{ref}/assign", json={"owner": "trust-safety"}).json()["owner"] == "trust-safety"
        assert c.post("/v1/incidents/NOPE/move", json={"to": "triaged"}).status_code == 404
        assert c.post(f"/v1/incidents/{ref}/move", json={"to": "finished"}).status_code == 422
        # overdue via API with the controlled clock
        clock.advance(days=6)
        over = c.get("/v1/incidents/overdue").json()
        assert [(o["ref"], o["rule"]) for o in over] == [(vul.json()["ref"], "vulnerability_acknowledge")]
        # exports
        exported = c.get("/v1/incidents/export", params={"format": "json", "redact": "false"}).json()
        assert {r["ref"] for r in exported["records"]} == {ref, vul.json()["ref"]}
        csv_text = c.get("/v1/incidents/export", params={"format": "csv"}).text
        assert csv_text.startswith("url,source_domain,title") and "zhao@example.com" not in csv_text
        html = c.get(f"/v1/incidents/{ref}/report", params={"lang": "zh"})
        assert html.headers["content-type"].startswith("text/html") and "投诉举报" in html.text
        # a browser's regional tag names the same language; anything else is a clear 422
        assert c.get(f"/v1/incidents/{ref}/report", params={"lang": "zh-CN"}).text == html.text
        bad = c.get(f"/v1/incidents/{ref}/report", params={"lang": "fr"})
        assert bad.status_code == 422 and "not a supported language" in bad.json()["detail"]
        md = c.get(f"/v1/incidents/{ref}/report", params={"format": "md", "redact": "true"}).text
        assert "Zhao" not in md and "trust-safety" not in md
        public = c.get("/v1/incidents/export").text  # redact=true is the default on HTTP
        for secret in ("Zhao", "zhao@example.com", "trust-safety", "staff-key", '"ack"'):
            assert secret not in public, secret
        assert json.loads(public)["records"][0]["timeline"][0]["actor"] == ""
        # /metrics on the same app shows the incidents gauges
        metrics = httpx.get(url + "/metrics/").text
        assert 'genguard_incidents_overdue{kind="vulnerability",rule="vulnerability_acknowledge"} 1.0' in metrics
        assert 'genguard_incidents_intake_total{outcome="accepted"}' in metrics


@pytest.mark.parametrize(("body", "ctype", "status", "reason"), [
    (b"{not json", "application/json", 422, "body: "),
    (b"[1, 2]", "application/json", 422, "expected a JSON object"),
    (b"\xff\xfe\x00", "application/json", 422, "not UTF-8"),
    (json.dumps({**GOOD, "severity": "critical"}).encode(), "application/json", 422, "severity: not accepted by this form"),
    (json.dumps({**GOOD, "kind": "incident"}).encode(), "application/json", 422, "public form accepts complaint or vulnerability"),
    (json.dumps({**GOOD, "title": ""}).encode(), "application/json", 422, "title: needs at least 3 characters"),
    # minimums apply after trimming: whitespace and invisible characters count for nothing (QA)
    (json.dumps({**GOOD, "description": " " * 40}).encode(), "application/json", 422,
     "description: needs at least 10 characters of visible text"),
    (json.dumps({**GOOD, "description": "\u200b" * 12 + "\u3000" * 12}).encode(), "application/json", 422, "description: needs at least 10"),
    (json.dumps({**GOOD, "title": "\u200b\u200b\u200b"}).encode(), "application/json", 422, "title: needs at least 3"),
    (b"title=abc&description=++++++++++++++", "application/x-www-form-urlencoded", 422, "description: needs at least 10"),
    (json.dumps({**GOOD, "risk_codes": ["X1"]}).encode(), "application/json", 422, "unknown risk code 'X1'"),
    (json.dumps({**GOOD, "kind": "vulnerability"}).encode(), "application/json", 422, "needs a category"),
    (json.dumps({**GOOD, "title": "bad\u202eevil"}).encode(), "application/json", 422, "bidirectional-override"),
    (json.dumps({**GOOD, "description": 5}).encode(), "application/json", 422, "description: must be text"),
    (b"title=hi", "text/plain", 415, "application/json"),
    (b"title=abc&title=def&description=0123456789", "application/x-www-form-urlencoded", 422, "given more than once"),
])
def test_malformed_submissions_are_refused_with_reasons(sqlite_store, clock, live, body, ctype, status, reason) -> None:  # type: ignore[no-untyped-def]
    router = make_router(IntakeSettings(rate_limit=100), clock=clock)
    with live(sqlite_store, router) as url:
        r = httpx.post(url + "/v1/incidents/submit", content=body, headers={"content-type": ctype}, timeout=10)
    assert r.status_code == status, r.text
    got = r.json()
    assert any(reason in x for x in got["reasons"]) or reason in got["error"], got
    assert registry.list_records(sqlite_store) == []
    [log] = registry.intake_log(sqlite_store)
    assert log.outcome == "rejected" and log.reason.startswith(str(status))


@pytest.mark.parametrize(("body", "ctype", "headers", "reason"), [
    (json.dumps({**GOOD, "language": "zh", "title": ""}).encode(), "application/json", {}, "标题: 可见文字太短：至少需要 3"),
    (json.dumps({**GOOD, "language": "zh", "risk_codes": ["X1"]}).encode(), "application/json", {}, "未知的风险类别代码 'X1'"),
    (json.dumps({**GOOD, "language": "zh", "severity": "critical"}).encode(), "application/json", {}, "severity: 表单不接受此字段"),
    (json.dumps({**GOOD, "language": "zh", "kind": "incident"}).encode(), "application/json", {}, "类型: 公开表单只接受投诉举报"),
    (json.dumps({**GOOD, "language": "zh", "kind": "vulnerability"}).encode(), "application/json", {}, "漏洞报告需要填写类别"),
    (json.dumps({**GOOD, "language": "zh", "description": 5}).encode(), "application/json", {}, "描述: 必须是文本"),
    (b"{not json", "application/json", {"accept-language": "zh-CN,zh;q=0.9"}, "请求体: 第 1 行第 2 列 JSON 格式错误"),
    (b"title=hi", "text/plain", {"accept-language": "zh-CN"}, "请以 application/json"),
])
def test_public_form_reasons_in_the_reporters_language(sqlite_store, clock, live, body, ctype, headers, reason) -> None:  # type: ignore[no-untyped-def]
    """QA 18: a Chinese reporter gets Chinese reasons without pydantic wording or CLI hints."""
    router = make_router(IntakeSettings(rate_limit=100), clock=clock)
    with live(sqlite_store, router) as url:
        r = httpx.post(url + "/v1/incidents/submit", content=body, headers={"content-type": ctype, **headers}, timeout=10)
    got = r.json()
    assert r.status_code in (415, 422) and got["language"] == "zh", got
    assert any(reason in x for x in got["reasons"]), got
    text = json.dumps(got, ensure_ascii=False)
    for english in ("Value error", "Input should", "genguard taxonomy", "Extra inputs"):
        assert english not in text, english
    [log] = registry.intake_log(sqlite_store)
    assert log.outcome == "rejected" and not any("\u4e00" <= ch <= "\u9fff" for ch in log.reason)  # the log stays English


def test_a_short_chinese_description_is_accepted(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    """4 Chinese characters say as much as 10 Latin letters: CJK characters count 3 towards the minimum."""
    router = make_router(IntakeSettings(rate_limit=100), clock=clock)
    with live(sqlite_store, router) as url:
        ok = httpx.post(url + "/v1/incidents/submit", json={"title": "辱骂", "description": " 模型骂人 "}, timeout=10)
        short = httpx.post(url + "/v1/incidents/submit", json={"title": "辱骂", "description": "骂人了"}, timeout=10)
    assert ok.status_code == 201, ok.text
    assert registry.get(sqlite_store, ok.json()["ref"]).description == "模型骂人"
    assert short.status_code == 422 and "got 9" in short.text


def test_form_encoded_submission_is_accepted(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    form = {"kind": "vulnerability", "category": "privacy_attack", "title": "Extracts phone numbers",
            "description": "Asking for 'examples' returns real phone numbers.", "risk_codes": "S4,A4.4",
            "reporter_contact": "sec@example.net", "language": "en"}
    with live(sqlite_store, make_router(clock=clock)) as url:
        r = httpx.post(url + "/v1/incidents/submit", data=form, timeout=10)
    assert r.status_code == 201, r.text
    rec = registry.get(sqlite_store, r.json()["ref"])
    assert rec.vuln_category == "privacy_attack" and rec.risk_codes == ["S4", "A4.4"] and rec.channel == "form"
    assert rec.reporter is not None and rec.reporter.contact == "sec@example.net"


def test_oversized_submissions_get_413(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    router = make_router(IntakeSettings(max_body_bytes=4096, rate_limit=100), clock=clock)
    huge = json.dumps({**GOOD, "description": "x" * 10_000}).encode()
    with live(sqlite_store, router) as url:
        declared = httpx.post(url + "/v1/incidents/submit", content=huge, headers={"content-type": "application/json"}, timeout=10)
        assert declared.status_code == 413 and "exceeds 4096 bytes" in declared.json()["reasons"][0]

        def chunks():  # type: ignore[no-untyped-def]
            for i in range(0, len(huge), 1000):
                yield huge[i:i + 1000]

        streamed = httpx.post(url + "/v1/incidents/submit", content=chunks(), headers={"content-type": "application/json"},
                              timeout=10)  # chunked: no Content-Length, cut off while reading
        assert streamed.status_code == 413
        # the field limit applies below the body cap: 422 with the field named
        long_title = httpx.post(url + "/v1/incidents/submit", json={**GOOD, "title": "t" * 301}, timeout=10)
        assert long_title.status_code == 422 and "title: too long: at most 300 characters" in long_title.json()["reasons"]
    assert registry.list_records(sqlite_store) == []
    assert {log.outcome for log in registry.intake_log(sqlite_store)} == {"too_large", "rejected"}


def test_flood_is_rate_limited_per_client(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    router = make_router(IntakeSettings(rate_limit=3, rate_window_s=60, trust_forwarded_for=True), clock=clock)
    with live(sqlite_store, router) as url, httpx.Client(base_url=url, timeout=10) as c:
        codes = [c.post("/v1/incidents/submit", json=GOOD, headers={"x-forwarded-for": "198.51.100.7"}).status_code
                 for _ in range(20)]
        assert codes[:3] == [201, 201, 201] and set(codes[3:]) == {429}
        limited = c.post("/v1/incidents/submit", json=GOOD, headers={"x-forwarded-for": "198.51.100.7"})
        assert 1 <= int(limited.headers["retry-after"]) <= 60 and "too many submissions" in limited.json()["error"]
        # malformed floods count too
        bad = [c.post("/v1/incidents/submit", content=b"{", headers={"x-forwarded-for": "198.51.100.8",
                                                                     "content-type": "application/json"}).status_code for _ in range(5)]
        assert bad == [422, 422, 422, 429, 429]
        # another client is unaffected
        assert c.post("/v1/incidents/submit", json=GOOD, headers={"x-forwarded-for": "203.0.113.1"}).status_code == 201
    assert len(registry.list_records(sqlite_store)) == 4


def test_forwarded_for_ignored_unless_trusted(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    router = make_router(IntakeSettings(rate_limit=2), clock=clock)
    with live(sqlite_store, router) as url, httpx.Client(base_url=url, timeout=10) as c:
        codes = [c.post("/v1/incidents/submit", json=GOOD, headers={"x-forwarded-for": f"10.0.0.{i}"}).status_code for i in range(4)]
    assert codes == [201, 201, 429, 429]  # spoofed addresses do not buy extra submissions


def test_injected_markup_is_stored_verbatim_and_escaped_in_renderings(sqlite_store, clock, live) -> None:  # type: ignore[no-untyped-def]
    payload = {**GOOD, "title": "<script>alert(1)</script> title", "affected": "=cmd|'/C calc'!A0",
               "description": "<img src=x onerror=alert(document.cookie)> [x](javascript:alert(1)) <b>bold</b>"}
    with live(sqlite_store, make_router(IntakeSettings(rate_limit=100), clock=clock)) as url, \
            httpx.Client(base_url=url, timeout=10, headers=STAFF) as c:
        ref = c.post("/v1/incidents/submit", json=payload).json()["ref"]
        assert registry.get(sqlite_store, ref).title == payload["title"]  # nothing silently altered
        for lang in ("en", "zh"):
            html = c.get(f"/v1/incidents/{ref}/report", params={"lang": lang}).text
            assert "<script>" not in html and "<img" not in html and "<b>bold" not in html and "&lt;script&gt;" in html
            md = c.get(f"/v1/incidents/{ref}/report", params={"format": "md", "lang": lang}).text
            assert "<script>" not in md and "<img" not in md and "](javascript" not in md
        csv_text = c.get("/v1/incidents/export", params={"format": "csv", "redact": "false"}).text
        assert ",=cmd" not in csv_text and "'=cmd" in csv_text
        shown = c.get(f"/v1/incidents/{ref}")
        assert shown.headers["content-type"].startswith("application/json")  # JSON API never serves HTML


def test_router_is_discovered_and_settings_come_from_env(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from genguard.errors import ConfigError
    from genguard.service import discover_routers

    found = dict(discover_routers())
    assert "incidents" in found and any(getattr(r, "path", "") == "/v1/incidents/submit" for r in found["incidents"].routes)
    monkeypatch.setenv("GENGUARD_INCIDENTS_RATE_LIMIT", "9")
    monkeypatch.setenv("GENGUARD_INCIDENTS_TRUST_FORWARDED_FOR", "true")
    s = IntakeSettings.from_env()
    assert s.rate_limit == 9 and s.trust_forwarded_for and s.max_body_bytes == 32 * 1024
    monkeypatch.setenv("GENGUARD_INCIDENTS_MAX_BODY_BYTES", "lots")
    with pytest.raises(ConfigError, match="GENGUARD_INCIDENTS_MAX_BODY_BYTES"):
        IntakeSettings.from_env()
