"""Policy: which detectors run, and how findings become a decision per category and direction."""

from genguard.policy.answers import StandardAnswers
from genguard.policy.loader import default_policy_path, load_policy, policy_key
from genguard.policy.model import DetectorSpec, Policy, Rule, RuleSet

__all__ = ["DetectorSpec", "Policy", "Rule", "RuleSet", "StandardAnswers", "default_policy_path", "load_policy", "policy_key"]
