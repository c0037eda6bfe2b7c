"""Mutator interface, registry and composition.

A mutator rewrites a conversation (a list of user turns, the last one being the question).
Mutators are async because some (translation round-trip) call a model. An ``Attack`` is a chain
like ``role_play+base64``; its randomness comes from a seed derived from the run seed, the
item id and the attack name, so a run is reproducible and resuming it rebuilds the same prompts.
"""

from __future__ import annotations

import abc
import hashlib
import importlib
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from genguard.errors import ConfigError

if TYPE_CHECKING:
    from genguard.assess.targets.base import Target

MUTATORS: dict[str, type[Mutator]] = {}
_MODULES = ("social", "jailbreak", "encodings", "injection")


def register(cls: type[Mutator]) -> type[Mutator]:
    MUTATORS[cls.name] = cls
    return cls


class Mutator(abc.ABC):
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(self, helper: Target | None = None, **options: object) -> None:
        self.helper = helper
        self.options = options

    @abc.abstractmethod
    async def mutate(self, turns: list[str], lang: str, rng: random.Random) -> list[str]:
        """Return the new list of user turns (the last one is sent last)."""


def _load() -> None:
    for m in _MODULES:
        importlib.import_module(f"genguard.assess.mutators.{m}")


@dataclass
class Attack:
    """A chain of mutators applied left to right."""

    name: str
    steps: list[Mutator]

    async def apply(self, turns: list[str], lang: str, seed: int, item_id: str) -> list[str]:
        digest = hashlib.sha256(f"{seed}\x00{item_id}\x00{self.name}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        out = list(turns)
        for step in self.steps:
            out = await step.mutate(out, lang, rng)
        return out


def parse_attacks(spec: str | list[str] | None, helper: Target | None = None, templates: list[str] | None = None) -> list[Attack]:
    """``"role_play,base64+pinyin"`` -> attacks; unknown names are an error listing the known ones."""
    _load()
    if not spec:
        return []
    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    attacks = []
    for name in names:
        steps = []
        for part in name.split("+"):
            cls = MUTATORS.get(part)
            if cls is None:
                raise ConfigError(f"unknown attack {part!r}; known: {', '.join(sorted(MUTATORS))}")
            opts: dict[str, object] = {"templates": templates} if templates and part == "jailbreak" else {}
            steps.append(cls(helper=helper, **opts))
        attacks.append(Attack(name, steps))
    return attacks


INJECTION_MUTATORS = frozenset({"injection"})


def attack_risk_code(attack: str) -> str:
    """The security risk an attack probes: S1 (prompt injection) when any step of the chain is a
    prompt-injection carrier, S2 (jailbreak) for every other inducement method."""
    return "S1" if any(part in INJECTION_MUTATORS for part in attack.split("+")) else "S2"


def last(turns: list[str]) -> str:
    return turns[-1] if turns else ""


def replace_last(turns: list[str], text: str) -> list[str]:
    return [*turns[:-1], text]
