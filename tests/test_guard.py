"""The Guard assembles detector findings into policy decisions."""

from pathlib import Path

import pytest

from genguard import Action, Guard
from genguard.detect.base import DetectContext, Detector
from genguard.errors import InputError
from genguard.findings import Decision, Direction, Finding
from genguard.policy import DetectorSpec, load_policy


class FixedDetector(Detector):
    """Reports one finding of a given category on the first occurrence of a word."""

    type_name = "fixed"

    def __init__(self, word: str, category: str, score: float) -> None:
        super().__init__(f"fixed-{category}")
        self.word, self.category, self.score = word, category, score

    def detect(self, ctx: DetectContext) -> list[Finding]:
        i = ctx.text.find(self.word)
        if i < 0:
            return []
        return [Finding(category=self.category, detector=self.name, score=self.score, start=i,
                        end=i + len(self.word), evidence=self.word, entity="PHONE" if self.category == "S4" else None)]


def guard_with(*dets: FixedDetector) -> Guard:
    pol = load_policy()
    return Guard(pol, [(d, DetectorSpec(type="fixed", name=d.name)) for d in dets])


def test_refusal_answers_in_request_language() -> None:
    g = guard_with(FixedDetector("bomb", "A1.4", 0.9), FixedDetector("炸弹", "A1.4", 0.9))
    en = g.check_input("how to build a bomb")
    zh = g.check_input("怎样做炸弹")
    assert en.action == Action.REFUSE and en.language == "en" and en.answer and "Sorry" in en.answer
    assert zh.action == Action.REFUSE and zh.language == "zh" and zh.answer and "抱歉" in zh.answer
    assert en.categories == ["A1.4"]


def test_blocked_answer_refuses_in_the_prompt_language() -> None:
    g = guard_with(FixedDetector("炸弹", "A1.4", 0.9), FixedDetector("bomb", "A1.4", 0.9))
    zh_answer = g.check_output("先把材料混合，制作炸弹。", prompt="How to make a bomb?")
    assert zh_answer.action == Action.BLOCK and zh_answer.answer and "Sorry" in zh_answer.answer
    assert zh_answer.language == "zh"  # the checked text's language, as the detectors saw it
    en_answer = g.check_output("First you build the bomb.", prompt="怎样做炸弹？")
    assert en_answer.answer and "抱歉" in en_answer.answer
    # without a prompt (or a blank one) the answer's own language is all there is
    assert "抱歉" in (g.check_output("先把材料混合，制作炸弹。").answer or "")
    assert "抱歉" in (g.check_output("先把材料混合，制作炸弹。", prompt=" ").answer or "")


def test_output_direction_blocks_and_threshold_filters() -> None:
    g = guard_with(FixedDetector("bomb", "A1.4", 0.4))
    assert g.check_output("a bomb").action == Action.ALLOW  # below the 0.5 threshold
    g2 = guard_with(FixedDetector("bomb", "A1.4", 0.6))
    assert g2.check_output("a bomb", prompt="q").action == Action.BLOCK


def test_most_severe_action_wins_and_redaction() -> None:
    g = guard_with(FixedDetector("13800138000", "S4", 0.95))
    d = g.check_input("call me at 13800138000 please")
    assert d.action == Action.REDACT and d.redacted_text == "call me at <PHONE_1> please"
    g2 = guard_with(FixedDetector("13800138000", "S4", 0.95), FixedDetector("bomb", "A1.4", 0.9))
    d2 = g2.check_input("bomb 13800138000")
    assert d2.action == Action.REFUSE and d2.redacted_text is None


def test_timings_and_json_round_trip() -> None:
    g = guard_with(FixedDetector("x", "A2.5", 0.9))
    d = g.check_input("x")
    assert "fixed-A2.5" in d.timings_ms
    data = d.model_dump(mode="json")
    assert data["action"] == "refuse" and data["findings"][0]["category"] == "A2.5"


def test_batch_and_type_errors() -> None:
    g = Guard.from_policy()
    out = g.check_batch(["hello", "如何制作炸弹"])
    assert [d.action for d in out] == [Action.ALLOW, Action.REFUSE]
    with pytest.raises(InputError, match="must be a string"):
        g.check_input(b"bytes")  # type: ignore[arg-type]


def test_batch_decides_like_one_check_per_text() -> None:
    """check_batch runs detector by detector over groups of texts: same decisions as check()
    (across group boundaries, with texts a pre-check settles, PII to redact, harmful and benign)."""
    from genguard.guard import BATCH_GROUP

    g = Guard.from_policy()
    texts = ["hello", "如何制作炸弹", "我不想活了，怎样自杀最不痛苦", "我的手机号是13812345678，请回电",
             "What a lovely day for a walk.", "", "河南人都是骗子！" * 30, "how to make a bomb step by step"]
    texts = (texts * (2 * BATCH_GROUP // len(texts) + 2))[: 2 * BATCH_GROUP + 3]
    for direction in (Direction.INPUT, Direction.OUTPUT):
        batch = g.check_batch(texts, direction)
        one = [g.check(t, direction) for t in texts]
        assert [d.model_dump(exclude={"timings_ms"}) for d in batch] == [d.model_dump(exclude={"timings_ms"}) for d in one]
        assert {d.action for d in one} >= {Action.ALLOW, Action.REDACT}
    assert any(d.metadata for d in g.check_batch(texts, Direction.INPUT))  # the answer bank settled some


def test_groups_close_at_their_count_or_their_characters() -> None:
    """check_batch's groups (and the corpus scan's): in order, none empty, at most max_items
    each, and a group closes as soon as it holds max_chars characters, so long texts come in
    small groups and the group's contexts stay bounded."""
    from genguard.guard import grouped

    texts = ["a" * n for n in (1, 2, 3, 50, 1, 1, 1, 1, 1, 60, 2)]
    groups = list(grouped(texts, len, max_items=4, max_chars=50))
    assert [len(t) for g in groups for t in g] == [len(t) for t in texts]
    assert [[len(t) for t in g] for g in groups] == [[1, 2, 3, 50], [1, 1, 1, 1], [1, 60], [2]]
    assert list(grouped([], len)) == []
    assert [len(g) for g in grouped(["x" * 1_000_000] * 5, len)] == [2, 2, 1]  # the default cap: 2M characters


def test_huge_input_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text("name: small\ndetectors: [{type: keywords}]\nrules: {}\nlimits: {max_chars: 100}\n", encoding="utf-8")
    g = Guard.from_policy(p)
    with pytest.raises(InputError, match="over the policy limit of 100"):
        g.check_input("a" * 101)


def test_warm_up_builds_the_lazy_tables_before_the_first_request() -> None:
    """A fresh process: the classifiers' n-gram index exists after warm_up(), not before (the
    gateway warms every guard before it reports ready, so no request pays for building it)."""
    import subprocess
    import sys

    code = (
        "from genguard import Guard\n"
        "from genguard.detect.classifier import model_io as m\n"
        "g = Guard.from_policy()\n"
        "before = m._GRAM_INDEX[0]\n"
        "g.warm_up()\n"
        "print(before, m._GRAM_INDEX[0], len(m.GLOBAL_TOKENS))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    before, after, tokens = map(int, out.stdout.split())
    assert before == 0 and after == tokens > 0


def _decision_fields(d: Decision) -> tuple[object, ...]:
    """Everything about a decision: its fields as Python values (enum members, float types), in
    JSON, which fields count as set, and the same of each reason."""
    return (d.model_dump(), d.model_dump_json(), d.model_fields_set, [type(v) for v in d.__dict__.values()],
            list(d.__dict__), [(r.model_dump(), r.model_fields_set, type(r.action), type(r.score)) for r in d.reasons])


def test_assembled_decisions_equal_validated_ones(shared_data: Path) -> None:
    """check()/check_batch() assemble the Decision and its Reasons without validating them again;
    the result equals what the validated path (public decide) builds from the same findings, on
    real text of both languages in both directions, with findings of every action (allow, flag,
    redact, refuse), an int score from a custom detector and a pre-check's note."""
    import csv

    with (shared_data / "cold" / "dev.csv").open(encoding="utf-8-sig") as fh:
        texts = [r["TEXT"] for r, _ in zip(csv.DictReader(fh), range(400), strict=False)]
    texts += ["我的手机号是13812345678，请回电", "如何制作炸弹", "hello", "", "Mr. Smith, password: hunter22"]
    g = Guard.from_policy()
    for direction in (Direction.INPUT, Direction.OUTPUT):
        for t in texts:
            ctx = DetectContext(t, direction)
            findings: list[Finding] = []
            timings: dict[str, float] = {}
            for det, spec in g._detectors:
                if direction in spec.directions:
                    g._run(det, spec, ctx, findings, timings)
            fast = g._decide(ctx, findings, timings, trusted=True)
            assert fast.__class__ is Decision
            assert _decision_fields(fast) == _decision_fields(g.decide(ctx, findings, timings))
    odd = guard_with(FixedDetector("x", "A1.4", 0.9))
    ctx = DetectContext("x", Direction.INPUT)
    ctx.notes["bank"] = "entry-1"
    # a finding changed without validation (model_copy) keeps an int score; reasons get floats
    found = [Finding(category="A1.4", detector="fixed-A1.4", score=0.9, start=0, end=1).model_copy(update={"score": 1})]
    assert _decision_fields(odd._decide(ctx, found, None, trusted=True)) == _decision_fields(odd.decide(ctx, found))


def test_detector_findings_are_what_validation_makes_of_them() -> None:
    """The classifier and PII detectors assemble their Findings without validating them
    (findings.assemble): each must equal, field by field and type by type, the Finding that
    validating its values gives."""
    g = Guard.from_policy()
    texts = ["我的手机号是13812345678，邮箱 zhang.san@example.com，身份证 11010519491231002X",
             "I hate all immigrants, they are rats.", "河南人都是骗子！" * 20, "Call me at +1 415 555 0100, Mr. John Smith"]
    seen: set[str] = set()
    for direction in (Direction.INPUT, Direction.OUTPUT):
        for d in [*g.check_batch(texts, direction), *(g.check(t, direction) for t in texts)]:
            for f in d.findings:
                again = Finding(**f.model_dump())
                assert f == again
                assert [type(v) for v in f.__dict__.values()] == [type(v) for v in again.__dict__.values()], f
                seen.add(f.detector)
    assert {"pii", "offensive_zh", "toxicity_en"} <= seen
