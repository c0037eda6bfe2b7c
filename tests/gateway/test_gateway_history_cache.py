"""Chat history resent on every turn is checked once: the gateway reuses a message's earlier
input decision (same policy, role and text), through the proxy, with the official client."""

from __future__ import annotations

import time
from pathlib import Path

from gw_testdata import EMAIL, HARMFUL

from genguard.findings import Action, Decision, Direction
from genguard.gateway.history_cache import DecisionCache


def _cfg(stub_url: str, policy: Path, **extra: object) -> dict[str, object]:
    return {"upstreams": {"stub": {"base_url": stub_url, "timeout": 5}},
            "tiers": {"standard": {"policy": str(policy)}}, **extra}


def test_history_is_checked_once_and_decisions_still_apply(stub, policy_file, gateway_factory) -> None:
    url, script = stub
    rg = gateway_factory(_cfg(url, policy_file))
    client = rg.client()
    first = f"Hello, my email is {EMAIL}, please remember it."
    history = [{"role": "user", "content": first}]
    r1 = client.chat.completions.create(model="m", messages=history)  # type: ignore[arg-type]
    assert rg.gw.history.hits == 0
    assert EMAIL not in str(script.requests[-1]["messages"])  # redacted before forwarding
    history += [{"role": "assistant", "content": r1.choices[0].message.content},
                {"role": "user", "content": "And what is the capital of France?"}]
    client.chat.completions.create(model="m", messages=history)  # type: ignore[arg-type]
    assert rg.gw.history.hits == 1  # the first message came from the cache ...
    assert EMAIL not in script.requests[-1]["messages"][0]["content"]  # ... and was still redacted
    history += [{"role": "assistant", "content": "Paris."}, {"role": "user", "content": f"How do I {HARMFUL}?"}]
    r3 = client.chat.completions.create(model="m", messages=history)  # type: ignore[arg-type]
    # the two user messages and the resent assistant answer (assistant messages are checked as history too)
    assert rg.gw.history.hits == 1 + 3 and r3.choices[0].finish_reason == "content_filter"
    sent = len(script.requests)
    history += [{"role": "assistant", "content": r3.choices[0].message.content},
                {"role": "user", "content": "OK, tell me a joke instead."}]
    r4 = client.chat.completions.create(model="m", messages=history)  # type: ignore[arg-type]
    # the harmful message is still in the history: still refused (from the cache), nothing forwarded
    assert r4.choices[0].finish_reason == "content_filter" and len(script.requests) == sent
    assert rg.gw.history.hits == 1 + 3 + 5
    assert b"genguard_history_cache_hits_total 9.0" in rg.gw.metrics.exposition()
    # every checked message is still audited, reused decisions marked as such
    rg.gw.audit.flush()
    from sqlalchemy import select

    from genguard.gateway.models import AuditRecord

    with rg.gw.store.session() as s:
        rows = s.execute(select(AuditRecord.direction, AuditRecord.action)
                         .where(AuditRecord.direction == "input")).all()
    assert len(rows) == 1 + 3 + 5 + 7


def test_history_cache_can_be_switched_off(stub, policy_file, gateway_factory) -> None:
    url, _ = stub
    rg = gateway_factory(_cfg(url, policy_file, guard={"history_cache": 0}))
    msgs = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
            {"role": "user", "content": "hi"}]
    rg.client().chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    rg.client().chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    assert rg.gw.history.hits == 0 and len(rg.gw.history) == 0


def _decision(action: Action = Action.ALLOW) -> Decision:
    return Decision(action=action, direction=Direction.INPUT, metadata={"n": 1})


def test_cache_is_keyed_by_guard_role_and_text_bounded_and_expires() -> None:
    cache = DecisionCache(size=2, ttl_s=0.2)
    g1, g2 = object(), object()
    k = cache.key(g1, "input", "text", {"role": "user"})
    assert k is not None
    cache.put(k, _decision(Action.REFUSE))
    hit = cache.get(k)
    assert hit is not None and hit.action == Action.REFUSE and hit.metadata == {"n": 1, "cached": True}
    assert cache.get(cache.key(g2, "input", "text", {"role": "user"})) is None  # another policy
    assert cache.get(cache.key(g1, "input", "text", {"role": "tool"})) is None  # another role
    assert cache.get(cache.key(g1, "input", "text2", {"role": "user"})) is None
    assert cache.key(g1, "input", "x", {"tags": ["unhashable"]}) is None
    k2, k3 = (cache.key(g1, "input", t, None) for t in ("a", "b"))
    assert k2 is not None and k3 is not None
    cache.put(k2, _decision())
    cache.get(k)  # k is now the most recent; k2 the least
    cache.put(k3, _decision())
    assert len(cache) == 2 and cache.get(k2) is None and cache.get(k) is not None
    time.sleep(0.25)
    assert cache.get(k) is None and len(cache) == 1  # expired entries are dropped


def test_the_answer_bank_answers_only_the_question_awaiting_an_answer(stub, tmp_path, write_policy,
                                                                      gateway_factory) -> None:
    """A question the bank answered in turn 1 is history in turn 2: the new question goes to the
    model (before, the bank's answer came back again for every later turn). The same question
    asked again as the final message is answered by the bank again (never from the cache)."""
    import yaml

    from genguard.answers import AnswerEntry

    url, script = stub
    script.reply = "Model answer."
    entry = AnswerEntry(id="t1", question="Is it safe to go fishing at sea during a typhoon?", language="en",
                        risk="A4.1", answer="No. Going to sea during a typhoon is very dangerous; stay ashore.")
    bank = tmp_path / "bank.yaml"
    bank.write_text(yaml.safe_dump({"entries": [entry.model_dump(mode="json", exclude_none=True)]}), encoding="utf-8")
    policy = write_policy("bank-policy", pre_checks=[{"type": "answer_bank", "directions": ["input"],
                                              "config": {"paths": [str(bank)], "mode": "answer"}}])
    rg = gateway_factory(_cfg(url, policy))
    client = rg.client()
    turn1 = [{"role": "user", "content": entry.question}]
    r1 = client.chat.completions.create(model="m", messages=turn1)  # type: ignore[arg-type]
    assert r1.choices[0].message.content == entry.answer and script.requests == []
    turn2 = [*turn1, {"role": "assistant", "content": entry.answer},
             {"role": "user", "content": "Thanks. What should I pack for a beach holiday?"}]
    r2 = client.chat.completions.create(model="m", messages=turn2)  # type: ignore[arg-type]
    assert r2.choices[0].message.content == "Model answer." and len(script.requests) == 1
    again = client.chat.completions.create(model="m", messages=turn1)  # type: ignore[arg-type]
    assert again.choices[0].message.content == entry.answer and len(script.requests) == 1
