"""Public summaries: the one place that decides what of a record may leave in a redacted export.

Every redacted format (JSON, AIID CSV, Markdown, HTML; CLI and HTTP) renders the record that
:func:`public_record` returns, so no format can publish a field another one hides: the JSON
export once kept owner, actors, notes, internal evidence references and unmasked text while the
reports masked them, because each format redacted on its own.

Personal data in free text is found by the project's own PII detector (``genguard.detect.pii``:
validated ID numbers, phone numbers, e-mails, IPv4/IPv6 addresses, keys, ...), not by a second
set of loose regexes here, which masked dates as phone numbers and version numbers as IP
addresses and missed IPv6. The names of the people the record knows (reporter, owner) and the
reporter's contact are masked wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from genguard.incidents.models import Evidence, IncidentRecord, TimelineEvent

if TYPE_CHECKING:
    from genguard.detect.pii import PiiDetector

#: genguard's own API keys (``genguard.gateway.keys.KEY_PREFIX`` + token_urlsafe(32)); the PII
#: detector finds them only next to a cue word such as "key", a public summary must not need one
_GENGUARD_KEY = re.compile(r"(?<![A-Za-z0-9_-])gg-[A-Za-z0-9_-]{32,}")
#: what replaces a name or contact of a person the record knows
NAME_MASK = "[REDACTED]"
#: what replaces a non-file evidence reference (audit-log ids, run ids, URLs are internal)
INTERNAL_REF = "[REDACTED]"


@lru_cache(maxsize=1)
def _detector() -> PiiDetector:
    """The PII detector with its default entities (every one except URL), built once."""
    from genguard.detect.pii import PiiDetector

    return PiiDetector(name="incidents-public-summary")


def mask_text(text: str, names: Iterable[str | None] = ()) -> str:
    """``text`` with the given names / contacts and every personal-data span the PII detector
    finds replaced by a typed placeholder (``[EMAIL]``, ``[CN_MOBILE]``, ``[IP_ADDRESS]``...)."""
    if not text:
        return text
    for value in sorted({v.strip() for v in names if v and len(v.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(value, NAME_MASK)
    out: list[str] = []
    last = 0
    for m in _detector().matches(text):
        out.append(text[last:m.start])
        out.append(f"[{m.entity}]")
        last = m.end
    out.append(text[last:])
    return _GENGUARD_KEY.sub("[API_KEY]", "".join(out))


def known_names(rec: IncidentRecord) -> list[str | None]:
    """Names and contacts of the people the record identifies (masked wherever they appear)."""
    names: list[str | None] = [rec.owner]
    if rec.reporter is not None:
        names += [rec.reporter.name, rec.reporter.contact]
    return names


def public_record(rec: IncidentRecord) -> IncidentRecord:
    """A detached, redacted copy of ``rec`` for every public (``--redact``) rendering.

    Kept: reference, kind, category, status, severity, risk codes, criteria, dates, the timeline's
    kinds / times / statuses and file evidence (name masked, SHA-256 kept as the public anchor).
    Removed: reporter, owner, actors, every note, non-file evidence references, extras and the
    internal source-event id. Masked: title, description and affected (see :func:`mask_text`).
    """
    names = known_names(rec)

    def txt(s: str) -> str:
        return mask_text(s, names)

    copy = IncidentRecord(
        ref=rec.ref, kind=rec.kind, vuln_category=rec.vuln_category, title=txt(rec.title),
        description=txt(rec.description or ""), affected=txt(rec.affected or ""), risk_codes=list(rec.risk_codes or []),
        severity=rec.severity, status=rec.status, owner=None, serious_criteria=list(rec.serious_criteria or []),
        channel=rec.channel, source_event_id=None, language=rec.language, extra={}, received_at=rec.received_at,
        aware_at=rec.aware_at, updated_at=rec.updated_at, closed_at=rec.closed_at,
        evidence=[], events=[],
    )
    copy.reporter = None
    for e in rec.evidence:
        ref = txt(e.ref) if e.kind == "file" else INTERNAL_REF
        copy.evidence.append(Evidence(kind=e.kind, ref=ref, sha256=e.sha256, note="", data={}, added_at=e.added_at,
                                      added_by=""))
    for ev in rec.events:
        copy.events.append(TimelineEvent(at=ev.at, actor="", kind=ev.kind, note="", from_status=ev.from_status,
                                         to_status=ev.to_status))
    return copy
