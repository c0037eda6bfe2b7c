"""Options and inputs that used to be accepted silently (exit 0, nothing useful done) are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.align.review import queued
from genguard.assess.targets.base import load_target_config
from genguard.cli.app import app
from genguard.errors import ConfigError, InputError
from genguard.label.registry import OutputRegistry
from genguard.store import open_store

runner = CliRunner()


@pytest.mark.parametrize("args", [["", "--producer", "p"], ["  \n", "--producer", "p"], ["...", "--producer", "p"]])
def test_registry_refuses_text_without_content(args: list[str]) -> None:
    res = runner.invoke(app, ["label", "registry", "record", *args])
    assert isinstance(res.exception, InputError), res.output
    assert "the text is empty" in str(res.exception)


def test_registry_refuses_empty_file_and_empty_producer(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = runner.invoke(app, ["label", "registry", "record", "--file", str(empty), "--producer", "p"])
    assert isinstance(res.exception, InputError) and "the text is empty" in str(res.exception)
    res = runner.invoke(app, ["label", "registry", "record", "some generated answer", "--producer", " "])
    assert isinstance(res.exception, InputError) and "producer must not be empty" in str(res.exception)


def test_sparse_simhash_no_longer_matches_empty_records() -> None:
    # what used to happen: an empty text recorded with SimHash 0 near-matched "--simhash 0123"
    res = runner.invoke(app, ["label", "registry", "record", "", "--producer", "p"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["label", "registry", "lookup", "--simhash", "0123"])
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout)["produced_here"] is False


def test_lookup_of_text_without_content_is_exact_only(tmp_path: Path) -> None:
    reg = OutputRegistry(open_store(f"sqlite:///{tmp_path / 'r.db'}"))
    reg.record("a real generated answer about the weather", producer="p")
    res = reg.lookup("!!!")
    assert not res.produced_here and res.simhash == ""


def test_align_queue_unknown_status_is_a_usage_error() -> None:
    res = runner.invoke(app, ["align", "queue", "RUN", "--status", "nosuch"])
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--status'" in res.output and "not_queued" in res.output


def test_queued_refuses_an_unknown_status(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown draft status 'nosuch'; choose one of: generated, queued"):
        queued(open_store(f"sqlite:///{tmp_path / 'a.db'}"), "RUN", status="nosuch")


def test_keys_events_of_an_unknown_key_says_no_key() -> None:
    res = runner.invoke(app, ["keys", "events", "nosuch"])
    assert isinstance(res.exception, InputError), res.output
    assert str(res.exception) == "no key with id 'nosuch' (see `genguard keys list`)"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["gateway", "audit", "--limit", "-5"], "--limit"),
        (["gateway", "audit", "--limit", "0"], "--limit"),
        (["keywords", "stats", "--min-total", "-1"], "--min-total"),
        (["keywords", "stats", "--min-a1", "-1"], "--min-a1"),
        (["align", "generate", "RUN", "--temperature", "-5"], "--temperature"),
        (["align", "generate", "RUN", "--temperature", "2.5"], "--temperature"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(args: list[str], option: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}'" in res.output


def test_target_config_temperature_range() -> None:
    with pytest.raises(ConfigError, match="temperature"):
        load_target_config(None, type="openai", base_url="http://127.0.0.1:1/v1", temperature=3.0)
    assert load_target_config(None, type="openai", base_url="http://127.0.0.1:1/v1", temperature=2.0).temperature == 2.0


@pytest.mark.parametrize("cmd", [["taxonomy"], ["keywords", "stats"]])
def test_unknown_lang_is_refused(cmd: list[str]) -> None:
    res = runner.invoke(app, [*cmd, "--lang", "xx"])
    assert isinstance(res.exception, InputError), res.output
    assert "--lang 'xx': not a supported language; use zh or en" in str(res.exception)


def test_taxonomy_regional_lang_still_works() -> None:
    res = runner.invoke(app, ["taxonomy", "--lang", "zh-CN"])
    assert res.exit_code == 0, res.output
