"""Targets: OpenAI-compatible (retries, errors, rate limit, system prompt), gateway, replay,
callable, scripted, and a local transformers model built in the test."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from genguard.assess.stub import StubScript, free_port
from genguard.assess.targets import build_target, load_target_config
from genguard.errors import ConfigError, InputError, TargetError

MSG = [{"role": "user", "content": "hello"}]


async def _chat(cfg: dict[str, Any], messages: list[dict[str, str]] = MSG) -> str:
    t = build_target(cfg)
    try:
        return await t.chat(messages)
    finally:
        await t.aclose()


def test_openai_target_retries_transient_failures(stub: tuple[str, Any]) -> None:
    url, app = stub
    app.state.script = StubScript(fail_first=2)
    t0 = time.perf_counter()
    out = asyncio.run(_chat({"type": "openai", "base_url": url, "retries": 3}))
    assert out.startswith("Sure") and app.state.count == 3 and time.perf_counter() - t0 >= 0.25 + 0.5 - 0.05


def test_openai_target_gives_up_with_clear_error(stub: tuple[str, Any]) -> None:
    url, app = stub
    app.state.script = StubScript(fail_first=10)
    with pytest.raises(TargetError, match="failed after 2 attempt.*HTTP 503"):
        asyncio.run(_chat({"type": "openai", "base_url": url, "retries": 1}))
    with pytest.raises(TargetError, match="HTTP 404"):
        asyncio.run(_chat({"type": "openai", "base_url": url + "/nope", "retries": 3}))
    with pytest.raises(TargetError, match="ConnectError"):
        asyncio.run(_chat({"type": "openai", "base_url": f"http://127.0.0.1:{free_port()}/v1", "retries": 0}))


def test_only_a_call_that_never_connects_is_unreachable(stub: tuple[str, Any]) -> None:
    """The runner stops early on TargetUnreachable, so an answering-but-failing server must not raise it."""
    from genguard.assess.targets import TargetUnreachable

    with pytest.raises(TargetUnreachable, match="ConnectError: Cannot connect to host"):
        asyncio.run(_chat({"type": "openai", "base_url": f"http://127.0.0.1:{free_port()}/v1", "retries": 1}))
    url, app = stub
    app.state.script = StubScript(fail_first=10)
    with pytest.raises(TargetError) as err:
        asyncio.run(_chat({"type": "openai", "base_url": url, "retries": 0}))
    assert not isinstance(err.value, TargetUnreachable)


def test_timeout_is_enforced(stub: tuple[str, Any]) -> None:
    url, app = stub
    app.state.script = StubScript(delay=1.0)
    with pytest.raises(TargetError, match="Timeout"):
        asyncio.run(_chat({"type": "openai", "base_url": url, "retries": 0, "timeout": 0.2}))


def test_rate_limit_and_concurrency(stub: tuple[str, Any]) -> None:
    url, app = stub
    app.state.script = StubScript()

    async def many() -> float:
        t = build_target({"type": "openai", "base_url": url, "rate_limit": 20, "concurrency": 4})
        t0 = time.perf_counter()
        await asyncio.gather(*(t.chat([{"role": "user", "content": f"q{i}"}]) for i in range(10)))
        await t.aclose()
        return time.perf_counter() - t0

    assert asyncio.run(many()) >= 9 / 20 - 0.02


def test_system_prompt_is_prepended_and_gateway_appends_v1(stub: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    url, app = stub
    app.state.script = StubScript()
    from genguard.assess.targets.openai_compat import OpenAICompatTarget

    monkeypatch.setenv("GENGUARD_GATEWAY_KEY", "k-123")

    async def go() -> None:
        tgt = build_target({"type": "openai", "base_url": url, "system_prompt": "You are careful."})
        assert isinstance(tgt, OpenAICompatTarget)
        assert tgt.payload(MSG)["messages"][0] == {"role": "system", "content": "You are careful."}
        gw = build_target({"type": "gateway", "base_url": url.removesuffix("/v1")})
        assert isinstance(gw, OpenAICompatTarget)
        assert gw.url == url + "/chat/completions"
        assert gw.headers["Authorization"] == "Bearer k-123"
        assert (await gw.chat(MSG)).startswith("Sure")
        await gw.aclose()
        await tgt.aclose()

    asyncio.run(go())


def test_replay_target(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text(json.dumps({"question": "hello", "answer": "recorded"}) + "\n", encoding="utf-8")
    assert asyncio.run(_chat({"type": "replay", "path": str(p)})) == "recorded"
    with pytest.raises(TargetError, match="no answer"):
        asyncio.run(_chat({"type": "replay", "path": str(p)}, [{"role": "user", "content": "other"}]))
    p.write_text("{bad\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        build_target({"type": "replay", "path": str(p)})


def test_callable_and_scripted_targets() -> None:
    assert asyncio.run(_chat({"type": "callable", "callable": "json:dumps"})).startswith("[")
    with pytest.raises(ConfigError, match="module:function"):
        build_target({"type": "callable", "callable": "nonsense"})
    assert "sorry" in asyncio.run(_chat({"type": "scripted"}, [{"role": "user", "content": "how to make a bomb"}]))


def test_target_config_errors(tmp_path: Path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text("target:\n  type: openai\n  base_url: http://x\n  concurrency: 0\n  colour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_target_config(p)
    assert "concurrency" in str(e.value) and "colour" in str(e.value) and str(p) in str(e.value)
    with pytest.raises(ConfigError, match="base_url"):
        build_target({"type": "openai"})


def test_transformers_target_with_tiny_local_model(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[PAD]": 0, "[UNK]": 1, "[EOS]": 2, **{w: i + 3 for i, w in enumerate(["user", "assistant", ":", "hello", "sure", "no", "the", "a"])}}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]")
    cfg = transformers.GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=16, n_layer=1, n_head=2)
    import torch

    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(cfg)
    folder = tmp_path / "tiny"
    model.save_pretrained(folder)
    fast.save_pretrained(folder)
    out = asyncio.run(_chat({"type": "transformers", "path": str(folder), "max_tokens": 5}))
    assert isinstance(out, str) and all(w in vocab for w in out.split())
    with pytest.raises(ConfigError, match="cannot load model"):
        build_target({"type": "transformers", "path": str(tmp_path / "missing")})
