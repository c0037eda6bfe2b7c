"""`genguard label` text input: standard input goes through the UTF-8 check; notice wording is validated."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError

runner = CliRunner()
GBK = "春风拂面".encode("gbk")


@pytest.mark.parametrize(
    "args",
    [
        ["label", "text"],
        ["label", "text", "--check"],
        ["label", "registry", "fingerprint"],
        ["label", "registry", "record", "--producer", "A", "--db", "sqlite://"],
        ["label", "registry", "lookup", "--db", "sqlite://"],
    ],
)
def test_non_utf8_stdin_is_a_one_line_error(args: list[str]) -> None:
    res = runner.invoke(app, args, input=GBK)
    assert isinstance(res.exception, InputError)
    assert "standard input is not valid UTF-8" in str(res.exception) and "GBK" in str(res.exception)


def test_utf8_stdin_is_labelled() -> None:
    res = runner.invoke(app, ["label", "text", "--lang", "zh"], input="春风拂面".encode())
    assert res.exit_code == 0 and res.stdout.startswith("春风拂面") and "人工智能生成" in res.stdout


@pytest.mark.parametrize("wording", ["", "（仅供参考）"])
def test_text_with_an_empty_or_non_notice_wording_is_refused(wording: str) -> None:
    res = runner.invoke(app, ["label", "text", "--lang", "zh", "--text-zh", wording, "你好"])
    assert isinstance(res.exception, InputError) and "text_zh" in str(res.exception)
    assert "你好" not in res.stdout


def test_check_accepts_the_standard_wordings() -> None:
    assert runner.invoke(app, ["label", "text", "--check", "正文。本内容由人工智能合成"]).exit_code == 0
    assert runner.invoke(app, ["label", "text", "--check", "…… 本文并非人工智能生成，由记者撰写。"]).exit_code == 1


def test_check_answers_in_chinese_with_lang_zh() -> None:
    res = runner.invoke(app, ["label", "text", "--check", "--lang", "zh", "正文。本内容由人工智能合成"])
    assert res.exit_code == 0 and "已有标识" in res.stdout
    res = runner.invoke(app, ["label", "text", "--check", "--lang", "zh", "正文。"])
    assert res.exit_code == 1 and "没有标识" in res.stdout


def test_text_refuses_an_unknown_language() -> None:
    res = runner.invoke(app, ["label", "text", "--check", "--lang", "fr", "x"])
    assert isinstance(res.exception, InputError) and "--lang" in str(res.exception)
