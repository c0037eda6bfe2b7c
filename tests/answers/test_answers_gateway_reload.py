"""Hot reload under real gateway load: the bank file is rewritten while concurrent clients hit
the gateway (uvicorn on 127.0.0.1, upstream = loopback stub model); no request may be lost or
answered with a half-loaded bank, and new entries take effect without a restart."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from genguard.answers import AnswerEntry
from genguard.assess.stub import HELPFUL, StubScript, create_stub_app, serve

OLD = "台风天出海非常危险，请勿出海。"
NEW = "更新后的标准答案：台风期间禁止一切出海活动。"
ZH = AnswerEntry(id="zh1", question="台风天可以出海钓鱼吗", language="zh", risk="A4.1", answer=OLD)
EN = AnswerEntry(id="en1", question="Is it safe to go fishing at sea during a typhoon?", language="en", risk="A4.1",
                 answer="No. Going to sea during a typhoon is very dangerous; stay ashore.")
BENIGN = "What is the capital of France?"
KEY = "gg-reload-test"


def write_bank(path: Path, entries: list[AnswerEntry]) -> None:
    """An in-place rewrite (truncate + write), as an editor or `cat >` would do it."""
    path.write_text(yaml.safe_dump({"entries": [e.model_dump(mode="json", exclude_none=True) for e in entries]},
                                   allow_unicode=True), encoding="utf-8")


def gateway_app(tmp_path: Path, upstream: str, bank: Path) -> Any:
    from genguard.gateway.app import create_app
    from genguard.gateway.config import GatewayConfig

    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump({
        "name": "reload-test",
        "pre_checks": [{"type": "answer_bank", "directions": ["input"],
                        "config": {"paths": [str(bank)], "mode": "answer", "reload_interval": 0.0}}],
        "detectors": [],  # the bank is what is under test; detectors would only slow start-up
        "rules": {"*": {"input": {"action": "refuse", "threshold": 0.5}, "output": {"action": "block", "threshold": 0.5}}},
    }), encoding="utf-8")
    cfg = GatewayConfig.model_validate({
        "database_url": f"sqlite:///{tmp_path / 'gw.db'}",
        "upstreams": {"stub": {"base_url": upstream, "retries": 0}},
        "tiers": {"standard": {"policy": str(policy), "rate_limit": {"rate": 100000, "burst": 100000}}},
        "keys": [{"id": "reload", "key": KEY, "tier": "standard"}],
        "ladder": {"enabled": False},
        "tripwire": {"spike_count": 1000000},
    })
    cfg.source = str(tmp_path / "gateway.yaml")
    return create_app(cfg)


def ask(client: httpx.Client, url: str, text: str) -> tuple[int, str, str]:
    r = client.post(url + "/chat/completions", json={"model": "stub", "messages": [{"role": "user", "content": text}]},
                    headers={"Authorization": f"Bearer {KEY}"})
    if r.status_code != 200:
        return r.status_code, "", r.text[:200]
    choice = r.json()["choices"][0]
    return 200, choice["message"]["content"], choice["finish_reason"]


def test_bank_rewritten_under_gateway_load_loses_no_request(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    write_bank(bank, [ZH])
    with serve(create_stub_app(StubScript())) as upstream, serve(gateway_app(tmp_path, upstream, bank)) as gw:
        results: list[tuple[str, int, str, str]] = []
        errors: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        def client_loop(n: int) -> None:
            questions = [ZH.question, BENIGN, EN.question]
            with httpx.Client(timeout=30) as client:
                i = n
                while not stop.is_set():
                    q = questions[i % 3]
                    i += 1
                    try:
                        status, content, finish = ask(client, gw, q)
                    except httpx.HTTPError as exc:  # a dropped connection is a lost request
                        with lock:
                            errors.append(f"{type(exc).__name__}: {exc}")
                        continue
                    with lock:
                        results.append((q, status, content, finish))

        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        for i in range(30):  # flip the vetted answer back and forth under load
            write_bank(bank, [ZH.model_copy(update={"answer": NEW if i % 2 else OLD})])
            time.sleep(0.05)
        write_bank(bank, [ZH.model_copy(update={"answer": NEW}), EN])  # the hot fix: a new entry
        tmp = bank.with_suffix(".tmp")  # and one atomic replace, the recommended way to publish
        write_bank(tmp, [ZH.model_copy(update={"answer": NEW}), EN])
        os.replace(tmp, bank)
        deadline = time.monotonic() + 10
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline and EN.answer not in ask(client, gw, EN.question)[1]:
                time.sleep(0.05)
            while time.monotonic() < deadline + 10:  # load continues until a loaded client saw the new entry too
                with lock:
                    if any(q == EN.question and EN.answer in c for q, _, c, _ in results):
                        break
                time.sleep(0.05)
            stop.set()
            for t in threads:
                t.join()
            final_zh, final_en, final_benign = (ask(client, gw, q) for q in (ZH.question, EN.question, BENIGN))

    assert not errors, errors[:5]
    assert len(results) >= 50, len(results)
    bad = [r for r in results if r[1] != 200]
    assert not bad, bad[:5]
    # an answer-bank hit is a vetted answer, not a refusal: the gateway ends it with finish_reason "stop"
    for q, _, content, finish in results:
        if q == ZH.question:
            assert (OLD in content or NEW in content) and finish == "stop", content
        elif q == BENIGN:
            assert content == HELPFUL["en"] and finish == "stop", content
        else:  # before the hot fix the question goes to the model; after it, the vetted answer
            assert (content == HELPFUL["en"] and finish == "stop") or (EN.answer in content and finish == "stop")
    seen_zh = {NEW in c for q, _, c, _ in results if q == ZH.question}
    assert seen_zh == {True, False}  # both versions were served during the rewrites
    assert any(EN.answer in c for q, _, c, _ in results if q == EN.question)  # the new entry took effect under load
    assert NEW in final_zh[1] and EN.answer in final_en[1] and final_benign[1] == HELPFUL["en"]
