"""Diversify reviewed answers: pair each accepted answer with mutated versions of its prompt.

The mutators are the assessment attacks (role play, safety negation, encodings, jailbreak
templates...), applied to the item's original question with the same seeded randomness as an
assessment run, so the data teaches the model to hold the reviewed answer under the very
inducements the assessment uses. Answers to over-refused (should-not-refuse) questions are not
diversified: wrapping a benign question in a jailbreak and answering it would teach compliance
with jailbreaks. Variants are unique per (draft, attack), so diversification is resumable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from genguard.align.models import AlignCandidate, AlignVariant
from genguard.assess.bank import Expected
from genguard.assess.mutators.base import Attack
from genguard.store import Store

REVIEWED_OK = ("accepted", "rewritten")


def base_turns(c: AlignCandidate) -> list[str]:
    """The un-attacked conversation: stored turns for direct items, else the original question."""
    return list(c.turns) if c.attack == "none" and c.turns else [c.question]


async def diversify(store: Store, run_id: str, attacks: Sequence[Attack], *, seed: int = 0) -> dict[str, Any]:
    with store.session() as s:
        cands = list(s.scalars(select(AlignCandidate).where(AlignCandidate.run_id == run_id,
                                                            AlignCandidate.status.in_(REVIEWED_OK),
                                                            AlignCandidate.expected != Expected.ANSWER.value)))
        have = set(tuple(r) for r in s.execute(select(AlignVariant.candidate_id, AlignVariant.attack)
                             .join(AlignCandidate, AlignCandidate.id == AlignVariant.candidate_id)
                             .where(AlignCandidate.run_id == run_id)).all())
    added = skipped = 0
    for c in cands:
        rows = []
        original = [*c.turns]
        for atk in attacks:
            if (c.id, atk.name) in have:
                continue
            turns = await atk.apply(base_turns(c), c.language, seed, f"{c.item_id}#{c.id}")
            if turns == original or turns == base_turns(c):
                skipped += 1  # the mutator changed nothing (e.g. pinyin on English): not a new prompt
                continue
            rows.append(AlignVariant(candidate_id=c.id, attack=atk.name, turns=turns))
        if rows:
            with store.session() as s:
                s.add_all(rows)
            added += len(rows)
    return {"answers": len(cands), "added": added, "unchanged": skipped}
