"""Export reviewed data: SFT conversations and preference pairs in common formats.

Only drafts with a review decision (accepted or rewritten, with reviewer and time) are
exported; the answer is the reviewed text. Formats:

* ``trl``    - SFT ``{"messages": [...]}``; preference ``{"prompt": [...], "chosen": [...],
  "rejected": [...]}`` (TRL's conversational formats, also what most chat SFT/DPO loaders read);
  provenance inline under ``metadata``;
* ``plain``  - SFT as messages; preference ``{"prompt": str, "chosen": str, "rejected": str}``
  (TRL's standard format); provenance inline;
* ``openai`` - OpenAI fine-tuning files: SFT ``{"messages": [...]}`` and preference
  ``{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}``;
  these accept no extra keys, so provenance goes line-by-line into ``*.meta.jsonl``.

Preference pairs: chosen = the reviewed answer, rejected = the failed answer from the
assessment run (only for the item's own prompt; variants have no rejected answer and go to SFT
only). Reviewer-rejected drafts never appear as chosen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from genguard.align.models import AlignCandidate, AlignVariant
from genguard.errors import InputError
from genguard.store import Store

Format = Literal["trl", "plain", "openai"]
FORMATS = ("trl", "plain", "openai")


def _meta(c: AlignCandidate, variant: str | None) -> dict[str, Any]:
    return {"source": "genguard-align", "run_id": c.run_id, "item_id": c.item_id, "item_key": c.key,
            "attack": c.attack, "variant": variant, "bank": c.bank, "risk": c.risk, "language": c.language,
            "failure": c.failure, "draft_id": c.id, "generator": c.generator, "review": c.status,
            "reviewer": c.reviewer, "reviewed_at": c.reviewed_at.isoformat() if c.reviewed_at else None}


def _user(turns: list[str]) -> list[dict[str, str]]:
    return [{"role": "user", "content": t} for t in turns]


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def reviewed(store: Store, run_id: str) -> tuple[list[AlignCandidate], dict[int, list[AlignVariant]]]:
    with store.session() as s:
        cands = list(s.scalars(select(AlignCandidate)
                               .where(AlignCandidate.run_id == run_id, AlignCandidate.status.in_(("accepted", "rewritten")),
                                      AlignCandidate.reviewer.is_not(None), AlignCandidate.reviewed_at.is_not(None),
                                      AlignCandidate.final.is_not(None))
                               .order_by(AlignCandidate.key, AlignCandidate.rank, AlignCandidate.id)))
        variants: dict[int, list[AlignVariant]] = {}
        ids = [c.id for c in cands]
        if ids:
            for v in s.scalars(select(AlignVariant).where(AlignVariant.candidate_id.in_(ids)).order_by(AlignVariant.id)):
                variants.setdefault(v.candidate_id, []).append(v)
    return cands, variants


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def export(store: Store, run_id: str, out: Path, fmt: str = "trl", *, variants: bool = True,
           preferences: bool = True) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    cands, var = reviewed(store, run_id)
    if not cands:
        raise InputError(f"run {run_id!r} has no reviewed (accepted or rewritten) answers to export; "
                         f"review the queue first: genguard align review {run_id}")
    out.mkdir(parents=True, exist_ok=True)
    sft: list[dict[str, Any]] = []
    sft_meta: list[dict[str, Any]] = []
    pref: list[dict[str, Any]] = []
    pref_meta: list[dict[str, Any]] = []
    inline = fmt != "openai"
    for c in cands:
        answer = c.final or ""
        prompts: list[tuple[list[str], str | None]] = [(list(c.turns), None)]
        if variants:
            prompts += [(list(v.turns), v.attack) for v in var.get(c.id, [])]
        for turns, variant in prompts:
            rec: dict[str, Any] = {"messages": _user(turns) + _assistant(answer)}
            meta = _meta(c, variant)
            if inline:
                rec["metadata"] = meta
            sft.append(rec)
            sft_meta.append(meta)
        if preferences and c.rejected.strip() and c.rejected.strip() != answer.strip():
            meta = _meta(c, None)
            if fmt == "plain":
                p: dict[str, Any] = {"prompt": "\n\n".join(c.turns), "chosen": answer, "rejected": c.rejected}
            elif fmt == "trl":
                p = {"prompt": _user(c.turns), "chosen": _assistant(answer), "rejected": _assistant(c.rejected)}
            else:
                p = {"input": {"messages": _user(c.turns)}, "preferred_output": _assistant(answer),
                     "non_preferred_output": _assistant(c.rejected)}
            if inline:
                p["metadata"] = meta
            pref.append(p)
            pref_meta.append(meta)
    paths = {"sft": out / "sft.jsonl", "preference": out / "preference.jsonl"}
    _write(paths["sft"], sft)
    _write(paths["preference"], pref)
    if not inline:
        paths["sft_meta"] = out / "sft.meta.jsonl"
        paths["preference_meta"] = out / "preference.meta.jsonl"
        _write(paths["sft_meta"], sft_meta)
        _write(paths["preference_meta"], pref_meta)
    return {"answers": len(cands), "sft": len(sft), "preference": len(pref), "paths": {k: str(v) for k, v in paths.items()}}
