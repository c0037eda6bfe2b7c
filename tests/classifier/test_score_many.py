"""The classifiers' group scoring (``detect_many`` / ``score_model_many``) finds what scoring
one text at a time finds: the same best window, label, probabilities and spans, bit for bit.

The texts mix what changes the path a window takes: short texts (one window, the text's own
language), long Chinese pages quoting English and English pages quoting Chinese (each window its
own language and floor), texts in neither language, blank ones, and harmful sentences among
benign ones so that some texts have findings and some have several windows tied at the top."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from genguard.detect.base import DetectContext
from genguard.detect.classifier import kernels
from genguard.detect.classifier.detector import ClassifierDetector, score_model, score_model_many
from genguard.findings import Direction
from genguard.guard import Guard

DATA = Path(__file__).resolve().parents[2] / "bench" / "quality" / "data"


def _project_sentences() -> list[str]:
    rows: list[str] = []
    for name in ("project_en_harm.jsonl", "project_everyday.jsonl", "project_everyday_broad.jsonl",
                 "project_benign.jsonl", "project_en_intent.jsonl"):
        for line in (DATA / name).read_text("utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line)["text"])
    return rows


def _texts() -> list[str]:
    rng = random.Random(7)
    sentences = _project_sentences()
    hateful_zh = ["河南人都是骗子，", "女人就该待在家里做饭。", "那些乡下人又蠢又懒！", "黑人都是罪犯。"]
    texts = ["", "   ", "你好", "How to shoot a basketball", "Bonjour tout le monde", "河南人都是骗子！",
             "I hate all immigrants, they are rats and should die.", "河南人都是骗子！" * 30]
    for _ in range(60):
        parts = rng.sample(sentences, rng.randint(1, 25))
        if rng.random() < 0.4:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(hateful_zh) * rng.randint(1, 3))
        texts.append(("\n" if rng.random() < 0.5 else " ").join(parts))
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


@pytest.mark.parametrize("direction", [Direction.OUTPUT, Direction.INPUT])
def test_group_scoring_finds_what_one_text_at_a_time_finds(texts: list[str], direction: Direction) -> None:
    guard = Guard.from_policy()
    detectors = [d for d, spec in guard._detectors if isinstance(d, ClassifierDetector) and direction in spec.directions]
    assert detectors, "the default policy runs classifiers in both directions"
    found_any = 0
    for det in detectors:
        one = [det.detect(DetectContext(t, direction)) for t in texts]
        many = det.detect_many([DetectContext(t, direction) for t in texts])
        assert [[f.model_dump() for f in fs] for fs in many] == [[f.model_dump() for f in fs] for fs in one], det.name
        found_any += sum(map(len, one))
    assert found_any >= 5  # the comparison covers texts with findings, not only clean ones


def test_score_model_many_equals_score_model_with_floors_and_languages(texts: list[str]) -> None:
    """Per-model floors, language floors and language gates as a policy may set them."""
    guard = Guard.from_policy()
    det = next(d for d, _ in guard._detectors if isinstance(d, ClassifierDetector) and d.name == "toxicity_en")
    model = det.models[0]
    for languages, floors in ((None, None), ({"en"}, {"zh": 0.9, "en": 0.2}), ({"zh", "en"}, {"en": 0.7}),
                              ({"fr"}, None)):
        kw = {"languages": languages, "floor": 0.05, "language_floors": floors}
        one = [score_model(model, DetectContext(t, Direction.OUTPUT), 160, **kw) for t in texts]
        many = score_model_many(model, [DetectContext(t, Direction.OUTPUT) for t in texts], 160, **kw)
        assert many == one, (languages, floors)
        short = [t for t in texts if len(t) <= 160]  # every text in one window: no window-level languages
        assert len(short) >= 5
        assert score_model_many(model, [DetectContext(t, Direction.OUTPUT) for t in short], 160, **kw) == [
            score_model(model, DetectContext(t, Direction.OUTPUT), 160, **kw) for t in short
        ]
        if languages != {"fr"}:
            assert sum(b is not None for b in one) >= 10


def test_group_scoring_without_the_kernels_is_the_one_by_one_path(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With the compiled kernels off (no own tables), every text takes score_model's path."""
    monkeypatch.setattr(kernels.state, "enabled", False)
    guard = Guard.from_policy()
    det = next(d for d, _ in guard._detectors if isinstance(d, ClassifierDetector) and d.name == "toxicity_en")
    sample = texts[:20]
    one = [det.detect(DetectContext(t, Direction.OUTPUT)) for t in sample]
    many = det.detect_many([DetectContext(t, Direction.OUTPUT) for t in sample])
    assert [[f.model_dump() for f in fs] for fs in many] == [[f.model_dump() for f in fs] for fs in one]


def test_group_scoring_in_parts_finds_the_same(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A group whose windows hold more than GROUP_CHARS characters is scored in parts: same results."""
    from genguard.detect.classifier import detector as clf

    guard = Guard.from_policy()
    det = next(d for d, _ in guard._detectors if isinstance(d, ClassifierDetector) and d.name == "toxicity_en")
    model = det.models[0]
    want = [score_model(model, DetectContext(t, Direction.OUTPUT), 160, languages={"en"}, floor=0.05) for t in texts]
    calls: list[int] = []
    together = clf._score_together
    monkeypatch.setattr(clf, "GROUP_CHARS", 2_000)
    monkeypatch.setattr(clf, "_score_together", lambda *a: calls.append(len(a[2])) or together(*a))
    got = score_model_many(model, [DetectContext(t, Direction.OUTPUT) for t in texts], 160, languages={"en"}, floor=0.05)
    assert got == want
    ctxs = [DetectContext(t, Direction.OUTPUT) for t in texts if t.strip()]
    scored = [c for c in ctxs if len(c.normalized.soft.text) > 160 or c.language == "en"]
    assert len(calls) > 5 and sum(calls) == len(scored)  # in parts, each scored text in one of them
