"""Attacks: inducement methods that rewrite a test question (composable with ``+``, seeded)."""

from genguard.assess.mutators.base import MUTATORS, Attack, Mutator, parse_attacks, register

__all__ = ["MUTATORS", "Attack", "Mutator", "parse_attacks", "register"]
