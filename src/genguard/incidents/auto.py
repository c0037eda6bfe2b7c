"""Records opened automatically, with evidence attached, from gateway tripwires and assessment diffs.

Both functions are idempotent per event: the event id becomes the record's unique
``source_event_id``, so a gateway that retries, or two workers racing on the same event,
yield one record. They return ``(record, created)``.

Tripwire event (from the gateway)::

    {
      "event_id": "tw-8c1f...",           # required, unique per tripwire firing
      "type": "key_suspended" | "category_spike",   # required
      "at": "2026-11-23T10:00:00Z",       # optional ISO time the tripwire fired (default: now)
      "key_id": "k_123",                  # key_suspended: the key that reached the suspend step
      "tier": "standard",                 # optional
      "step": "suspend",                  # optional ladder step reached
      "category": "A1.4",                 # category_spike: the risk code that spiked
      "count": 57, "window_s": 300, "baseline": 3.2,   # optional spike numbers
      "risk_codes": ["A1.4"],             # optional extra codes (validated against the taxonomy)
      "audit_ids": ["a-1", "a-2"],        # audit-log entry ids to attach as evidence
      "service": "chat-prod",             # optional affected service / model
      "severity": "important",            # optional override
      "details": {...}                    # optional, kept in the record's ``extra``
    }

Assessment regression event (from ``genguard assess diff``)::

    {
      "event_id": "diff-run41-run42",     # optional; default "<base_run>..<head_run>"
      "base_run": "run-41", "head_run": "run-42",   # required assessment run ids
      "target": "chat-v2",                # model / service assessed
      "regressions": [                    # required, non-empty
        {"code": "S2", "before": 0.04, "after": 0.31, "metric": "attack_success_rate"}
      ],
      "report": "reports/diff.html",      # optional path or URL of the diff report
      "severity": "critical"              # optional override
    }
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from genguard.errors import InputError
from genguard.incidents.labels import Kind, Severity, VulnCategory
from genguard.incidents.models import IncidentRecord
from genguard.incidents.registry import Clock, create_once, utcnow
from genguard.incidents.schema import EvidenceIn, parse_new_record
from genguard.store import Store


def _require(event: dict[str, Any], key: str, where: str) -> Any:
    val = event.get(key)
    if val in (None, "", []):
        raise InputError(f"{where}: event lacks required key {key!r}")
    return val


def _at(event: dict[str, Any], clock: Clock, where: str) -> datetime:
    raw = event.get("at")
    if raw is None:
        return clock()
    try:
        dt = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}: 'at' is not an ISO date-time: {raw!r}") from None
    if dt.tzinfo is None:
        raise InputError(f"{where}: 'at' needs a timezone: {raw!r}")
    return dt


def open_from_tripwire(store: Store, event: dict[str, Any], *, clock: Clock = utcnow) -> tuple[IncidentRecord, bool]:
    """Open an incident for a key suspended by the misuse ladder or a category spike."""
    where = "tripwire event"
    event_id = str(_require(event, "event_id", where))
    kind = _require(event, "type", where)
    at = _at(event, clock, where)
    codes = list(event.get("risk_codes") or [])
    if kind == "key_suspended":
        key_id = str(_require(event, "key_id", where))
        title = f"API key {key_id} reached the {event.get('step', 'suspend')} step"
        desc = (f"The gateway's misuse ladder suspended key {key_id} (tier {event.get('tier', '?')}) at {at.isoformat()}. "
                "Review the linked audit-log entries and decide on appeal or ban.")
        severity = event.get("severity") or Severity.important.value
    elif kind == "category_spike":
        cat = str(_require(event, "category", where))
        codes = [cat, *codes]
        title = f"Spike in risk category {cat}"
        desc = (f"{event.get('count', '?')} hits of {cat} within {event.get('window_s', '?')} s "
                f"(baseline {event.get('baseline', '?')}) at {at.isoformat()}.")
        severity = event.get("severity") or Severity.moderate.value
    else:
        raise InputError(f"{where}: unknown type {kind!r}; known: key_suspended, category_spike")
    audit_ids = event.get("audit_ids") or []
    if not isinstance(audit_ids, list):
        raise InputError(f"{where}: 'audit_ids' must be a list of audit-log entry ids")
    evidence = [EvidenceIn(kind="audit_log", ref=str(a)) for a in audit_ids]
    new = parse_new_record(
        {"kind": Kind.incident.value, "title": title[:300], "description": desc, "affected": str(event.get("service", ""))[:200],
         "risk_codes": codes, "severity": severity, "evidence": [e.model_dump() for e in evidence], "language": "en",
         "aware_at": at},
        where=where,
    )
    details = {k: v for k, v in event.items() if k not in ("audit_ids",)}
    return create_once(store, new, source_event_id=f"tripwire:{event_id}", actor="gateway", channel="tripwire",
                       extra={"tripwire": _jsonable(details)}, clock=clock)


_CATEGORY_BY_CODE = {"S1": VulnCategory.prompt_injection, "S2": VulnCategory.jailbreak, "S3": VulnCategory.privacy_attack,
                     "S4": VulnCategory.privacy_attack, "S5": VulnCategory.privacy_attack}


def category_for(codes: list[str]) -> VulnCategory:
    """Vulnerability category for regressed codes: security codes map directly, A2 (discrimination)
    to bias, A5 (service-specific accuracy) to performance, other content risks to unaddressed misuse."""
    for code in codes:
        if code in _CATEGORY_BY_CODE:
            return _CATEGORY_BY_CODE[code]
    for code in codes:
        if code.startswith("A2"):
            return VulnCategory.bias_discrimination
        if code.startswith("A5"):
            return VulnCategory.performance_issue
    return VulnCategory.unaddressed_misuse


def severity_for(worst_delta: float, worst_after: float) -> Severity:
    """Rate increases of >= 40 points or a post-change rate >= 50% are critical; >= 20 points important;
    >= 5 points moderate; smaller regressions low."""
    if worst_delta >= 0.40 or worst_after >= 0.50:
        return Severity.critical
    if worst_delta >= 0.20:
        return Severity.important
    if worst_delta >= 0.05:
        return Severity.moderate
    return Severity.low


def open_from_assessment_regression(
    store: Store, event: dict[str, Any], *, clock: Clock = utcnow
) -> tuple[IncidentRecord, bool]:
    """Open a vulnerability report for risk codes whose failure rate rose between two runs."""
    where = "assessment regression event"
    base = str(_require(event, "base_run", where))
    head = str(_require(event, "head_run", where))
    regs = _require(event, "regressions", where)
    if not isinstance(regs, list):
        raise InputError(f"{where}: 'regressions' must be a list")
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(regs):
        try:
            code, before, after = str(r["code"]), float(r["before"]), float(r["after"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{where}: regressions[{i}] needs code, before and after (rates 0..1)") from None
        if not (0.0 <= before <= 1.0 and 0.0 <= after <= 1.0):
            raise InputError(f"{where}: regressions[{i}] rates must be within 0..1")
        rows.append({"code": code, "before": before, "after": after, "metric": str(r.get("metric", "failure_rate"))})
    codes: list[str] = [str(r["code"]) for r in rows]
    worst_delta = max(float(r["after"]) - float(r["before"]) for r in rows)
    severity = event.get("severity") or severity_for(worst_delta, max(float(r["after"]) for r in rows)).value
    target = str(event.get("target", ""))
    lines = [f"- {r['code']}: {r['metric']} {r['before']:.1%} -> {r['after']:.1%}" for r in rows]
    desc = f"Assessment run {head} regressed against {base}" + (f" on {target}" if target else "") + ":\n" + "\n".join(lines)
    evidence = [
        EvidenceIn(kind="assessment_run", ref=base, note="baseline run"),
        EvidenceIn(kind="assessment_run", ref=head, note="regressed run", data={"regressions": rows}),
    ]
    if event.get("report"):
        evidence.append(EvidenceIn(kind="url", ref=str(event["report"])[:500], note="diff report"))
    new = parse_new_record(
        {"kind": Kind.vulnerability.value, "category": category_for(codes).value,
         "title": f"Assessment regression {base} -> {head}: {', '.join(codes)}"[:300], "description": desc,
         "affected": target[:200], "risk_codes": codes, "severity": severity, "language": "en",
         "evidence": [e.model_dump() for e in evidence]},
        where=where,
    )
    event_id = str(event.get("event_id") or f"{base}..{head}")
    return create_once(store, new, source_event_id=f"assessment:{event_id}", actor="assess", channel="assessment",
                       extra={"regressions": rows}, clock=clock)


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))
