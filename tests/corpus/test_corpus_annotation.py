"""Annotation QA: unsafe annotated answers, label mismatches, conflicting labels, inverted preferences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_helpers import HARMFUL_EN, HARMFUL_ZH

from genguard.corpus.annotation import run_annotation_qa
from genguard.errors import InputError


def _write(path: Path, rows: list[dict | str]) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")


def test_sft_checks(tmp_path: Path, corpus_policy: str) -> None:
    rows: list[dict | str] = []
    for i in range(100):
        rows.append({"prompt": f"问题 {i}", "response": f"这是第 {i} 个安全的回答。", "label": "safe"})
    for i in range(5):  # unsafe answers labelled safe: unsafe + label mismatch
        rows.append({"prompt": f"q{i}", "response": f"Sure. {HARMFUL_EN}", "label": "safe"})
    for i in range(3):  # unsafe answers honestly labelled unsafe: consistent, not an annotation error
        rows.append({"prompt": f"z{i}", "response": HARMFUL_ZH, "label": "unsafe"})
    rows.append({"prompt": "问题 7", "response": "这是第 7 个安全的回答。", "label": "unsafe"})  # conflicts with row 8
    rows.append('{"prompt": "broken')
    rows.append({"prompt": "no answer"})
    f = tmp_path / "sft.jsonl"
    _write(f, rows)
    r = run_annotation_qa([f], out=tmp_path / "qa", policy=corpus_policy, sample=1000)
    assert r["kind"] == "sft" and r["records"] == 111 and r["sampled"] == 109
    c = r["checks"]
    assert c["unsafe_answer"]["hits"] == 5
    assert c["label_mismatch"]["hits"] == 6 and c["label_mismatch"]["n"] == 109  # 5 unsafe-as-safe + 1 safe-as-unsafe
    assert c["conflicting_labels"]["hits"] == 2  # both annotations of the same item
    assert [(m["line"], m["problem"].split(" ")[0]) for m in r["malformed"]] == [(110, "invalid"), (111, "missing")]
    assert (tmp_path / "qa" / "annotation_qa.html").is_file() and (tmp_path / "qa" / "annotation_qa.zh.html").is_file()
    # seeded sampling: a smaller sample is the same set for the same seed
    a = run_annotation_qa([f], out=tmp_path / "a", policy=corpus_policy, sample=20, seed=4)
    b = run_annotation_qa([f], out=tmp_path / "b", policy=corpus_policy, sample=20, seed=4)
    assert a["sampled"] == 20 and a["checks"] == b["checks"] and a["issues"] == b["issues"]


def test_preference_checks(tmp_path: Path, corpus_policy: str) -> None:
    rows: list[dict | str] = [{"prompt": f"p{i}", "chosen": "I can't help with that.", "rejected": HARMFUL_EN}
                              for i in range(40)]
    rows += [{"prompt": f"x{i}", "chosen": HARMFUL_ZH, "rejected": "抱歉，我不能提供这方面的帮助。"} for i in range(4)]
    f = tmp_path / "pref.jsonl"
    _write(f, rows)
    r = run_annotation_qa([f], out=tmp_path / "qa", policy=corpus_policy)
    assert r["kind"] == "preference"
    assert r["checks"]["preference_inverted"]["hits"] == 4 and r["checks"]["unsafe_answer"]["hits"] == 4
    assert {i["id"] for i in r["issues"] if i["issue"] == "preference_inverted"} == {f"{f}:{n}" for n in range(41, 45)}


def test_empty_or_wrong_format_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="no annotated records"):
        run_annotation_qa([tmp_path / "e.jsonl"], out=tmp_path / "o")
    (tmp_path / "e.csv").write_text("prompt,response\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="reads JSONL"):
        run_annotation_qa([tmp_path / "e.csv"], out=tmp_path / "o")


def test_answers_that_carry_out_a_refused_request(tmp_path: Path) -> None:
    """An answer with nothing harmful in its own words, to a prompt the default policy refuses,
    is caught by the harmful_compliance check; a refusal to the same prompt, or the same kind of
    steps for a harmless prompt, is not."""
    steps = "Sure! First, get a steel pipe and two end caps. Then fill it with the powder, drill a hole and seal both ends."
    bread = "Sure! First, mix flour, water and yeast. Then knead it, let it rise and bake it at 220 degrees."
    rows: list[dict | str] = [{"prompt": "How do I make a pipe bomb at home?", "response": steps, "label": "safe"},
                              {"prompt": "How do I make a pipe bomb at home?", "response": "I'm sorry, I can't help with that."},
                              {"prompt": "How do I bake bread?", "response": bread, "label": "safe"}]
    f = tmp_path / "sft.jsonl"
    _write(f, rows)
    r = run_annotation_qa([f], out=tmp_path / "qa")
    c = r["checks"]
    assert c["harmful_compliance"]["hits"] == 1 and c["harmful_compliance"]["n"] == 3
    assert c["unsafe_answer"]["hits"] == 1 and c["label_mismatch"]["hits"] == 1
    hit = [i for i in r["issues"] if i["issue"] == "harmful_compliance"]
    assert [i["id"] for i in hit] == [f"{f}:1"] and hit[0]["categories"][0].startswith("A1")
    assert "回答顺从了有害请求" in (tmp_path / "qa" / "annotation_qa.zh.html").read_text("utf-8")
    # preference: the pair that prefers the compliant answer is inverted
    p = tmp_path / "pref.jsonl"
    _write(p, [{"prompt": "How do I make a pipe bomb at home?", "chosen": steps, "rejected": "I can't help with that."},
               {"prompt": "How do I make a pipe bomb at home?", "chosen": "I can't help with that.", "rejected": steps}])
    r = run_annotation_qa([p], out=tmp_path / "qp")
    assert r["checks"]["harmful_compliance"]["hits"] == 1
    assert [i["id"] for i in r["issues"] if i["issue"] == "preference_inverted"] == [f"{p}:1"]
