"""Standard-answer bank: matching (exact, normalised, fuzzy, thresholds), validity, hot reload."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from genguard import Action, Guard
from genguard.answers import AnswerBank, AnswerEntry
from genguard.answers.bank import default_bank_path
from genguard.answers.matcher import canonical
from genguard.cli.app import app
from genguard.errors import ConfigError
from genguard.policy import load_policy

ZH = AnswerEntry(id="zh1", question="台风天可以出海钓鱼吗", paraphrases=["台风来了还能出海钓鱼吗"], language="zh",
                 risk="A4.1", answer="台风天出海非常危险，请勿出海。")
EN = AnswerEntry(id="en1", question="Is it safe to go fishing at sea during a typhoon?", language="en",
                 risk="A4.1", answer="No. Going to sea during a typhoon is very dangerous.")


def bank(**kw: object) -> AnswerBank:
    return AnswerBank(entries=[ZH, EN], **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("q", [
    "台风天可以出海钓鱼吗", "台风天可以出海钓鱼吗？", "台风天 可以 出海钓鱼吗!!",
    "台风天可以出海钓鱼吗?",  # full-width/half-width punctuation differences
    "台风来了还能出海钓鱼吗",  # paraphrase
    "颱風天可以出海釣魚嗎",  # traditional Chinese
    "颱風天可以出海釣魚嗎？",  # traditional + full-width punctuation
    "台風來了還能出海釣魚嗎",  # traditional paraphrase
    "台风天\u200b可以出海钓鱼吗",  # invisible character
])
def test_zh_exact_and_normalised(q: str) -> None:
    m = bank().match(q)
    assert m is not None and m.entry.id == "zh1" and m.kind == "exact"


@pytest.mark.parametrize("q", ["is it safe to go fishing at sea during a typhoon",
                               "IS IT SAFE TO GO FISHING AT SEA DURING A TYPHOON???",
                               "Ｉｓ ｉｔ ｓａｆｅ ｔｏ ｇｏ ｆｉｓｈｉｎｇ ａｔ ｓｅａ ｄｕｒｉｎｇ ａ ｔｙｐｈｏｏｎ？"])
def test_en_exact_and_normalised(q: str) -> None:
    m = bank().match(q)
    assert m is not None and m.entry.id == "en1" and m.kind == "exact"


def test_canonical_form_is_the_project_normaliser() -> None:
    from genguard.text.normalize import normalize

    for q in ["颱風天可以出海釣魚嗎？", "ＩＳ ＩＴ ＳＡＦＥ？", "台风天\u200b可以"]:
        assert canonical(q) == "".join(ch for ch in normalize(q).text if ch.isalnum())
    assert canonical("颱風天可以出海釣魚嗎？") == canonical("台风天可以出海钓鱼吗")


def test_zh_fuzzy_traditional_paraphrase() -> None:
    m = bank(fuzzy_threshold=0.8).match("颱風天能出海釣魚嗎")  # traditional, one word dropped
    assert m is not None and m.entry.id == "zh1" and m.kind == "fuzzy"


def test_fuzzy_paraphrase_and_threshold_edges() -> None:
    q = "台风天能不能出海钓鱼吗"
    from rapidfuzz import fuzz

    score = fuzz.ratio(canonical(q), canonical(ZH.question)) / 100
    assert 0.7 < score < 1.0
    hit = bank(fuzzy_threshold=score).match(q)  # exactly at the threshold: matches
    assert hit is not None and hit.kind == "fuzzy" and hit.score == pytest.approx(score)
    assert bank(fuzzy_threshold=min(1.0, score + 0.001)).match(q) is None  # just above: no match
    en = bank(fuzzy_threshold=0.85).match("Is it safe to go fishin at sea during typhoon?")
    assert en is not None and en.entry.id == "en1" and en.kind == "fuzzy"


def test_unrelated_queries_do_not_match() -> None:
    b = bank()
    for q in ["今天天气怎么样", "How do I bake bread?", "台风", ""]:
        assert b.match(q) is None


def test_expired_and_future_entries_stop_matching() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    expired = ZH.model_copy(update={"id": "old", "valid_to": now - timedelta(seconds=1)})
    future = EN.model_copy(update={"id": "new", "valid_from": now + timedelta(days=1)})
    b = AnswerBank(entries=[expired, future], clock=lambda: now)
    assert b.match(ZH.question) is None and b.match(EN.question) is None
    b.clock = lambda: now + timedelta(days=2)
    m = b.match(EN.question)
    assert m is not None and m.entry.id == "new"


def write_bank(path: Path, entries: list[AnswerEntry]) -> None:
    path.write_text(yaml.safe_dump({"entries": [e.model_dump(mode="json", exclude_none=True) for e in entries]},
                                   allow_unicode=True), encoding="utf-8")


def test_hot_reload_under_concurrent_load_loses_no_request(tmp_path: Path) -> None:
    f = tmp_path / "bank.yaml"
    write_bank(f, [ZH])
    b = AnswerBank([f], reload_interval=0.0)
    results: list[str | None] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                m = b.match(ZH.question)
                results.append(m.entry.answer if m else None)
            except BaseException as exc:  # any exception is a lost request
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    new_answer = "更新后的标准答案：台风天禁止出海。"
    for i in range(20):
        write_bank(f, [ZH.model_copy(update={"answer": new_answer if i % 2 else ZH.answer})])
    write_bank(f, [ZH.model_copy(update={"answer": new_answer}), EN])
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (b.match(EN.question) is None):
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert results and all(r in (ZH.answer, new_answer) for r in results)  # every request answered
    m = b.match(ZH.question)
    assert m is not None and m.entry.answer == new_answer and b.match(EN.question) is not None


def test_in_place_edit_within_one_mtime_tick_is_reloaded(tmp_path: Path) -> None:
    """Truncate-then-write can share a coarse mtime: the size must still reveal the new content."""
    import os

    f = tmp_path / "bank.yaml"
    write_bank(f, [ZH])
    st = f.stat()
    b = AnswerBank([f], reload_interval=0.0)
    f.write_text("", encoding="utf-8")  # a reader catches the file truncated...
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert b.match(ZH.question) is not None and b.reload_errors  # ...keeps the old bank
    write_bank(f, [ZH, EN])  # the write completes within the same mtime tick
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    m = b.match(EN.question)
    assert m is not None and m.entry.id == "en1"


def test_broken_edit_keeps_serving_previous_bank(tmp_path: Path) -> None:
    f = tmp_path / "bank.yaml"
    write_bank(f, [ZH])
    b = AnswerBank([f], reload_interval=0.0)
    f.write_text("entries: [{id: x}]\n", encoding="utf-8")
    assert b.match(ZH.question) is not None
    assert b.reload_errors and "key 'question'" in b.reload_errors[-1]


@pytest.mark.parametrize(("body", "expect"), [
    ("entries: [{id: a, question: q, language: fr, risk: A1.1, answer: x}]", "key 'language'"),
    ("entries: [{id: a, question: q, language: zh, risk: Z9, answer: x}]", "unknown taxonomy code 'Z9'"),
    ("entries: [{id: a, question: q, language: zh, risk: A1.1, answer: x}, {id: a, question: r, language: zh, risk: A1.1, answer: y}]",
     "duplicate entry id 'a'"),
    ("entries: {a: 1}", "expected a list of entries"),
    ("entries:\n  - {id: a, question: q, language: zh, risk: A1.1, answer: x, answer: y}", r"duplicate key 'entries\.0\.answer'"),
])
def test_bad_bank_files(tmp_path: Path, body: str, expect: str) -> None:
    f = tmp_path / "b.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=expect):
        AnswerBank([f])


def test_jsonl_bank_with_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "b.jsonl"
    f.write_text('{"id": "a", "question": "q1", "language": "en", "risk": "A1.1", "answer": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b.jsonl:2: invalid JSON"):
        AnswerBank([f])


def _policy(tmp_path: Path, mode: str, bank_file: Path) -> Path:
    p = tmp_path / "policy.yaml"
    base = load_policy().model_dump(mode="json", exclude={"extensions"})
    base["pre_checks"] = [{"type": "answer_bank", "config": {"paths": [bank_file.name], "mode": mode}}]
    p.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return p


def test_guard_answers_directly_in_answer_mode_and_records_hit(tmp_path: Path) -> None:
    f = tmp_path / "bank.yaml"
    write_bank(f, [ZH, EN])
    g = Guard.from_policy(_policy(tmp_path, "answer", f))
    d = g.check_input("台风天可以出海钓鱼吗？")
    assert d.action == Action.REFUSE and d.answer == ZH.answer
    assert d.metadata["answer_bank"]["entry_id"] == "zh1" and d.findings[0].detector == "answer_bank"
    assert "answer_bank" in d.timings_ms
    pre = g.pre_checks[0][0]
    assert [h.entry_id for h in pre.bank.hits] == ["zh1"]  # type: ignore[attr-defined]
    assert g.check_output("台风天可以出海钓鱼吗").action == Action.ALLOW  # input-only by default


def test_guard_inform_mode_only_changes_the_refusal(tmp_path: Path) -> None:
    harmful = AnswerEntry(id="bomb", question="请告诉我如何制作炸弹", language="zh", risk="A1.4",
                          answer="制作爆炸物违法且危险，我不能提供帮助。")
    benign = ZH
    f = tmp_path / "bank.yaml"
    write_bank(f, [harmful, benign])
    g = Guard.from_policy(_policy(tmp_path, "inform", f))
    d = g.check_input("请告诉我如何制作炸弹")
    assert d.action == Action.REFUSE and d.answer == harmful.answer and d.metadata["answer_bank"]["entry_id"] == "bomb"
    d2 = g.check_input(ZH.question)  # bank hit, but detectors allow: inform mode does not answer
    assert d2.action == Action.ALLOW and d2.answer is None and d2.metadata["answer_bank"]["entry_id"] == "zh1"


def test_starter_bank_is_valid_and_bilingual() -> None:
    b = AnswerBank([default_bank_path()])
    langs = {e.language for e in b.entries}
    assert langs == {"zh", "en"} and len(b.entries) >= 6


def test_cli_match_and_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["answers", "match", "--json", "Are you an AI?"])
    assert res.exit_code == 0 and '"entry_id": "en-ai-identity-001"' in res.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [{id: a}]", encoding="utf-8")
    res = runner.invoke(app, ["answers", "validate", str(bad)])
    assert res.exit_code != 0
