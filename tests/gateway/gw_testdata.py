"""Terms and the test policy shared by the gateway tests (a uniquely named helper module)."""

HARMFUL = "build a pipe bomb"
BORDERLINE = "lockpicking tricks"
EMAIL = "alice.zhang@example.com"

TEST_POLICY = {
    "name": "gwtest",
    "detectors": [
        {"type": "keywords", "config": {"banks": [], "extra_terms": {"A1.4": [HARMFUL], "A5.2": [BORDERLINE]}}},
        # personal data (EMAIL) is found by the real PII detector (genguard.detect.pii)
        {"type": "pii", "config": {"min_score": 0.5}},
    ],
    "rules": {
        "*": {"input": {"action": "refuse", "threshold": 0.5}, "output": {"action": "block", "threshold": 0.5}},
        "A5": {"input": {"action": "flag", "threshold": 0.5}, "output": {"action": "flag", "threshold": 0.5}},
        "S4": {"input": {"action": "redact", "threshold": 0.5}, "output": {"action": "redact", "threshold": 0.5}},
    },
}
