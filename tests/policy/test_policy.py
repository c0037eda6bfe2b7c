from pathlib import Path

import pytest

from genguard.errors import ConfigError
from genguard.findings import Action, Direction
from genguard.guard import Guard
from genguard.policy import load_policy


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_policy_loads() -> None:
    pol = load_policy()
    assert pol.name == "default"
    key, rule = pol.rule_for("A1.4", Direction.INPUT)  # type: ignore[misc]
    assert rule.action == Action.REFUSE and key == "rules.*.input"
    key, rule = pol.rule_for("S4", Direction.OUTPUT)  # type: ignore[misc]
    assert rule.action == Action.REDACT and key == "rules.S4.output"


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ("name: x\ndetectors: []\nrules:\n  A9.9: {input: {action: refuse}}\n", "unknown category code 'A9.9'"),
        ("name: x\ndetectors: []\nrules:\n  A1: {input: {action: explode}}\n", "key 'rules.A1.input.action'"),
        ("name: x\ndetectors: []\nrules:\n  A1: {input: {action: refuse, threshold: 2}}\n", "key 'rules.A1.input.threshold'"),
        ("name: x\nrules: {}\n", "key 'detectors'"),
        ("name: x\ndetectors: []\nrules: {}\nbogus: 1\n", "key 'bogus'"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("name: [unclosed\n", "invalid YAML"),
    ],
)
def test_bad_policies_name_file_key_and_problem(tmp_path: Path, body: str, expect: str) -> None:
    p = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_policy(p)
    assert str(p) in str(err.value) and expect in str(err.value)


def test_policy_wrong_encoding(tmp_path: Path) -> None:
    p = tmp_path / "gbk.yaml"
    p.write_bytes("name: 默认\ndetectors: []\nrules: {}\n".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_policy(p)


def test_unknown_detector_type_fails_at_load(tmp_path: Path) -> None:
    p = write(tmp_path, "name: x\ndetectors: [{type: nosuch}]\nrules: {}\n")
    with pytest.raises(ConfigError, match="unknown detector type 'nosuch'"):
        Guard.from_policy(p)


def test_duplicate_detector_names(tmp_path: Path) -> None:
    p = write(tmp_path, "name: x\ndetectors: [{type: keywords}, {type: keywords}]\nrules: {}\n")
    with pytest.raises(ConfigError, match="repeated: keywords"):
        load_policy(p)


def test_answers_file_must_be_bilingual(tmp_path: Path) -> None:
    write(tmp_path, "default: {zh: 不行}\n", "answers.yaml")
    p = write(tmp_path, "name: x\ndetectors: []\nrules: {}\nanswers: answers.yaml\n")
    with pytest.raises(ConfigError, match="needs both 'zh' and 'en'"):
        Guard.from_policy(p)


def test_duplicate_key_is_a_load_error_naming_file_key_and_lines(tmp_path: Path) -> None:
    # plain YAML keeps the last A1: the later 'allow' would silently switch the refusal off
    p = write(tmp_path, "name: x\ndetectors: [{type: keywords}]\nrules:\n"
                        "  A1:\n    input: {action: refuse}\n  '*':\n    input: {action: flag}\n"
                        "  A1:\n    input: {action: allow}\n")
    with pytest.raises(ConfigError) as err:
        load_policy(p)
    msg = str(err.value)
    assert str(p) in msg and "duplicate key 'rules.A1' at line 8 (first at line 4)" in msg


def test_duplicate_key_in_answers_file(tmp_path: Path) -> None:
    write(tmp_path, "default: {zh: 不行, en: No.}\nA1: {zh: 不行, en: No.}\nA1: {zh: 好, en: Sure.}\n", "answers.yaml")
    p = write(tmp_path, "name: x\ndetectors: []\nrules: {}\nanswers: answers.yaml\n")
    with pytest.raises(ConfigError, match=r"answers.yaml: duplicate key 'A1' at line 3 \(first at line 2\)"):
        Guard.from_policy(p)


_BASE = "name: x\ndetectors: [{type: keywords}]\nrules: {}\n"


@pytest.mark.parametrize(
    ("extra", "expect"),
    [
        ("redaction: {operator: maskk}\n", "key 'redaction.operator': unknown redaction operator 'maskk'; known: "),
        ("redaction: {operator: mask, options: {keep_lst: 2}}\n",
         "key 'redaction.options': redaction operator 'mask': unknown option 'keep_lst'; known: char, keep_last, keep_separators"),
        ("pre_checks: [{type: answer_bank, config: {mode: answr}}]\n",
         "key 'pre_checks.0' (answer_bank): key 'config.mode': must be 'answer' or 'inform', got 'answr'"),
        ("pre_checks: [{type: answer_bank, config: {pathz: [x]}}]\n",
         "key 'pre_checks.0' (answer_bank): pre-check 'answer_bank': unknown option 'pathz'; known: paths, mode"),
        ("pre_checks: [{type: answer_bnk}]\n", "key 'pre_checks.0' (answer_bnk): unknown pre-check type 'answer_bnk'"),
        ("answers: nonexistent_answers.yaml\n", "key 'answers': answers file "),
    ],
)
def test_errors_building_the_guard_name_policy_file_and_key(tmp_path: Path, extra: str, expect: str) -> None:
    p = write(tmp_path, _BASE + extra)
    with pytest.raises(ConfigError) as err:
        Guard.from_policy(p)
    msg = str(err.value)
    assert msg.startswith(f"{p}: ") and expect in msg, msg
    assert "got an unexpected keyword argument" not in msg
