"""What is enforced: the taxonomy and, per gateway tier, the policy's detectors and rules."""

from __future__ import annotations

from typing import Any

from genguard.findings import Direction
from genguard.policy.model import Policy
from genguard.taxonomy import get_taxonomy


def taxonomy(lang: str) -> list[dict[str, Any]]:
    tax = get_taxonomy()
    out = []
    for c in tax.classes:
        out.append({"code": c.code, "name": c.name(lang), "description": c.description_zh if lang == "zh" else c.description_en,
                    "is_class": True})
        for r in tax.in_class(c.code):
            out.append({"code": r.code, "name": r.name(lang), "description": r.description(lang), "is_class": False})
    return out


def policy_view(policy: Policy) -> dict[str, Any]:
    """Detectors and the effective rule (most specific match) of every category, per direction."""
    tax = get_taxonomy()
    rules = []
    for code in tax.codes():
        row: dict[str, Any] = {"code": code}
        for direction in (Direction.INPUT, Direction.OUTPUT):
            hit = policy.rule_for(code, direction)
            row[direction.value] = ({"action": hit[1].action.value, "threshold": hit[1].threshold, "source": hit[0]}
                                    if hit else None)
        rules.append(row)
    return {
        "name": policy.name, "version": policy.version, "description": policy.description,
        "detectors": [{"name": d.instance_name, "type": d.type, "enabled": d.enabled,
                       "directions": [x.value for x in d.directions], "threshold": d.threshold} for d in policy.detectors],
        "pre_checks": [{"type": p.type, "enabled": p.enabled, "directions": [x.value for x in p.directions]}
                       for p in policy.pre_checks],
        "rules": rules,
    }


def enforced(app_state: Any) -> list[tuple[str, Policy]]:
    """(tier, policy) pairs the running gateway enforces; the default policy without a gateway."""
    gw = getattr(app_state, "gateway", None)
    if gw is not None and getattr(gw, "guards", None):
        return [(tier, g.policy) for tier, g in gw.guards.items()]
    guard = getattr(app_state, "guard", None)
    if guard is not None:
        return [("default", guard.policy)]
    from genguard.policy.loader import load_policy

    return [("default", load_policy(None))]
