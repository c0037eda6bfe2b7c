"""Secrets (S5): provider API keys, PEM private keys, JWTs, passwords in key=value, entropy + cue."""

from __future__ import annotations

import base64
import json
import math
import re
import string
from collections import Counter
from collections.abc import Iterator

from genguard.detect.pii.base import CueStarts, Doc, Match, Recognizer, WordFinder, match_at_starts
from genguard.text.runs import AsciiRuns

# (provider, pattern) — prefixes documented by each provider for their key formats.
_PROVIDERS: list[tuple[str, str]] = [
    ("aws-access-key", r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}"),
    ("github", r"gh[pousr]_[A-Za-z0-9]{36,255}"),
    ("github-fine-grained", r"github_pat_[A-Za-z0-9_]{22,255}"),
    ("gitlab", r"glpat-[A-Za-z0-9_-]{20,}"),
    ("slack", r"xox[abposr]-[A-Za-z0-9-]{10,}"),
    ("stripe", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("google-api", r"AIza[0-9A-Za-z_-]{35}"),
    ("anthropic", r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("openai", r"sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
    ("huggingface", r"hf_[A-Za-z0-9]{30,}"),
    ("npm", r"npm_[A-Za-z0-9]{36}"),
    ("sendgrid", r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
    ("twilio", r"SK[0-9a-f]{32}"),
    ("alibaba-cloud", r"LTAI[A-Za-z0-9]{12,20}"),
    ("tencent-cloud", r"AKID[A-Za-z0-9]{13,40}"),
]
# no leading look-behind: a pattern that starts with literals lets ``re`` skip ahead fast
_API = re.compile("(?:" + "|".join(f"(?P<p{i}>{rx})" for i, (_, rx) in enumerate(_PROVIDERS)) + r")(?![A-Za-z0-9_-])")
_KV_GATE = ("pass", "pwd", "密码", "口令", "secret", "key", "token")
_KV_GATE_WORDS = WordFinder(_KV_GATE, longest=True, view="lower")
# Every key of _KV_LOWER holds one of the gate words; where its match starts relative to that
# word: "client_secret" 7 before "secret", "api_key" 3 or 4 before "key", "access-token" 6 or 7
# before "token", and so on. The pattern then runs only there (see CueStarts).
_KV_STARTS = {"pass": (0,), "pwd": (0,), "密码": (0,), "口令": (0,), "secret": (0, -7), "key": (-3, -4, -6, -7, -8),
              "token": (0, -4, -5, -6, -7)}
_KV_CUES = CueStarts(_KV_STARTS, "lower")
_PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]*)"
)
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_-])")
# Matched on the lower-cased text (a case-insensitive scan is several times slower); spans are
# taken from it only when lower-casing kept the length, else the (?i) form runs on the original.
_KV_LOWER = re.compile(
    r"(?P<key>password|passwd|pass|pwd|passphrase|密码|口令|secret|client_secret|api[_-]?key|"
    r"access[_-]?key|secret[_-]?key|auth[_-]?token|access[_-]?token|token|private[_-]?key)"
    r"[\"']?\s*(?:[:=：]|=>|\bis\b)\s*(?P<q>[\"']?)(?P<val>[^\s\"',;，。；]{4,200})(?P=q)"
)
_KV = re.compile(_KV_LOWER.pattern, re.I)
_ENTROPY_CUES = re.compile(r"key|secret|token|credential|bearer|auth|密钥|令牌|凭证|秘钥")  # on lower-cased text
_PASSWORD_KEYS = {"password", "passwd", "pass", "pwd", "passphrase", "密码", "口令"}
_PLACEHOLDER_VALUES = {"xxxx", "****", "none", "null", "true", "false", "password", "changeme", "example", "your_password"}


def shannon_entropy(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values()) if n else 0.0


def _jwt_header_ok(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        obj = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(obj, dict) and "alg" in obj


_TOKENS = AsciiRuns(string.ascii_letters + string.digits + "+/=_.-", 16)
_PROVIDER_PREFIXES = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "gh", "github_pat_", "glpat-", "xox", "sk_", "rk_",
                      "pk_", "AIza", "sk-", "hf_", "npm_", "SG.", "SK", "LTAI", "AKID")


class SecretsRecognizer(Recognizer):
    """One scan for long tokens feeds the provider, JWT and entropy checks; PEM and key=value
    have their own cheap gates."""

    entities = ("API_KEY", "PRIVATE_KEY", "JWT", "PASSWORD", "HIGH_ENTROPY_SECRET")

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.text
        if "PRIVATE KEY" in text:
            for m in _PEM.finditer(text):
                yield Match("PRIVATE_KEY", m.start(), m.end(), 0.99, category="S5", validated="pem")
        for start, end in _TOKENS.spans(text):
            tok = text[start:end]
            if start and (text[start - 1].isascii() and text[start - 1].isalnum()):
                continue
            if tok.startswith("eyJ"):
                jm = _JWT.match(text, start)
                if jm and _jwt_header_ok(jm.group(0)):
                    yield Match("JWT", jm.start(), jm.end(), 0.95, category="S5", validated="jwt-header")
                    continue
            if tok.startswith(_PROVIDER_PREFIXES):
                am = _API.match(text, start)
                if am:
                    provider = _PROVIDERS[int((am.lastgroup or "p0")[1:])][0]
                    score = 0.95 if shannon_entropy(am.group(0)) > 3.0 else 0.6
                    yield Match("API_KEY", am.start(), am.end(), score, category="S5", validated=provider)
                    continue
            val = tok.rstrip(".")
            if len(val) < 20:
                continue
            # the cue must sit within 40 characters before the token: checked first, as it is
            # the cheapest test (a bounded search) and fails for nearly every long token
            if not _ENTROPY_CUES.search(doc.lower, max(0, start - 40), start):
                continue
            classes = sum((any(c.isdigit() for c in val), any(c.islower() for c in val), any(c.isupper() for c in val)))
            if classes >= 2 and shannon_entropy(val) >= 3.5:
                yield Match("HIGH_ENTROPY_SECRET", start, start + len(val), 0.7, category="S5", validated="entropy",
                            context="cue")
        yield from self._key_values(doc)

    @staticmethod
    def _key_values(doc: Doc) -> Iterator[Match]:
        """``password: ...``, ``api_key=...``: the pattern tried where its key words occur."""
        text, low = doc.text, doc.lower
        if len(low) == len(text):
            kv = match_at_starts(_KV_LOWER, _KV_CUES.find(doc), _KV_STARTS, low)
        else:  # lower-casing changed the length, so spans come from the (?i) scan of the text
            kv = _KV.finditer(text) if _KV_GATE_WORDS.find_in(doc) else iter(())
        for m in kv:
            if m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalnum():
                continue
            val = text[m.start("val") : m.end("val")]
            if val.lower() in _PLACEHOLDER_VALUES or set(val) <= set("*x.-_"):
                continue
            key = m.group("key").lower()
            entity = "PASSWORD" if key in _PASSWORD_KEYS else "API_KEY"
            score = 0.85 if entity == "PASSWORD" else (0.85 if shannon_entropy(val) >= 3.0 else 0.55)
            yield Match(entity, m.start("val"), m.end("val"), score, category="S5", validated="key=value", context=key)
