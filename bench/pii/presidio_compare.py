"""genguard vs Presidio's own pattern recognisers on presidio-synth, in one run.

Span-level precision/recall/F1 per pattern entity (email, phone, credit card, IBAN, IP, URL),
exact (start, end, type) match and, as a looser view, same type + overlapping span. Presidio
runs with a *blank* spaCy pipeline saved to a temp dir (no model download), so only its
pattern/checksum recognisers are active - the same footing as genguard's. Speed is CPU time of
the analysis loop for each tool over the same texts.

    PYTHONPATH=src python -m bench.pii.presidio_compare
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

from bench.pii.common import DATA, Scores
from genguard.detect.pii import PiiDetector

GOLD_MAP = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD", "IBAN_CODE": "IBAN",
            "IP_ADDRESS": "IP_ADDRESS", "DOMAIN_NAME": "URL"}
PRESIDIO_MAP = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD", "IBAN_CODE": "IBAN",
                "IP_ADDRESS": "IP_ADDRESS", "URL": "URL"}
GENGUARD_MAP = {"EMAIL": "EMAIL", "PHONE": "PHONE", "CN_MOBILE": "PHONE", "CN_LANDLINE": "PHONE",
                "CREDIT_CARD": "CREDIT_CARD", "CN_BANK_CARD": "CREDIT_CARD", "IBAN": "IBAN", "IP_ADDRESS": "IP_ADDRESS",
                "URL": "URL"}
TYPES = ["EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "URL"]


def _presidio(tmp: Path):  # type: ignore[no-untyped-def]
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    blank = tmp / "blank_en"
    spacy.blank("en").to_disk(blank)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(blank)}])
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def _overlap_scores(gold: list[tuple[int, int, int, str]], pred: list[tuple[int, int, int, str]]) -> Scores:
    sc = Scores()
    used: set[int] = set()
    for p in pred:
        hit = next((i for i, g in enumerate(gold) if i not in used and g[0] == p[0] and g[3] == p[3]
                    and g[1] < p[2] and p[1] < g[2]), None)
        if hit is None:
            sc.fp[p[3]] += 1
        else:
            used.add(hit)
            sc.tp[p[3]] += 1
    for i, g in enumerate(gold):
        if i not in used:
            sc.fn[g[3]] += 1
    return sc


def main() -> None:
    logging.disable(logging.WARNING)
    os.environ.setdefault("TLDEXTRACT_CACHE", tempfile.mkdtemp())
    path = DATA / "presidio-synth" / "synth_dataset_v2.json"
    if not path.is_file():
        raise SystemExit(f"presidio-synth not found at {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = [d["full_text"] for d in data]
    gold = [(i, s["start_position"], s["end_position"], GOLD_MAP[s["entity_type"]])
            for i, d in enumerate(data) for s in d["spans"] if s["entity_type"] in GOLD_MAP]

    det = PiiDetector(entities=[*GENGUARD_MAP])
    det.matches(texts[0])
    t0 = time.process_time()
    g_raw = [det.matches(t) for t in texts]
    g_time = time.process_time() - t0
    g_pred = [(i, m.start, m.end, GENGUARD_MAP[m.entity]) for i, ms in enumerate(g_raw) for m in ms]

    with tempfile.TemporaryDirectory() as tmp:
        analyzer = _presidio(Path(tmp))
        ents = list(PRESIDIO_MAP)
        analyzer.analyze(texts[0], language="en", entities=ents)
        t0 = time.process_time()
        p_raw = [analyzer.analyze(t, language="en", entities=ents) for t in texts]
        p_time = time.process_time() - t0
    p_pred = [(i, r.start, r.end, PRESIDIO_MAP[r.entity_type]) for i, rs in enumerate(p_raw) for r in rs
              if r.score >= 0.0]

    nbytes = sum(len(t.encode()) for t in texts)
    print(f"presidio-synth: {len(texts)} texts, {nbytes / 1e3:.0f} kB, gold pattern spans: {len(gold)}")
    for label, scorer in (("exact span", None), ("overlapping span", _overlap_scores)):
        print(f"\n[{label}]  {'entity':12} {'n':>4} | {'genguard P':>10} {'R':>6} {'F1':>6} | {'presidio P':>10} {'R':>6} {'F1':>6}")
        if scorer is None:
            gs, ps = Scores(), Scores()
            gs.add(gold, g_pred)
            ps.add(gold, p_pred)
        else:
            gs, ps = scorer(gold, g_pred), scorer(gold, p_pred)
        for t in TYPES:
            gp, gr, gf, n = gs.row(t)
            pp, pr, pf, _ = ps.row(t)
            print(f"{'':{len(label) + 4}}{t:12} {n:4d} | {gp:10.3f} {gr:6.3f} {gf:6.3f} | {pp:10.3f} {pr:6.3f} {pf:6.3f}")
    print(f"\nCPU time: genguard {g_time:.3f}s ({nbytes / g_time / 1e6:.1f} MB/s), presidio {p_time:.3f}s "
          f"({nbytes / p_time / 1e6:.2f} MB/s); genguard is {p_time / g_time:.1f}x faster")


if __name__ == "__main__":
    main()
