"""``corpus audit``: per-source sampled (or full) scan with the Guard and a TC260-003 verdict.

Verdict per source, on its standard sample (``sample_size`` items by seeded bottom-k, or all
items when fewer; every item in full-scan mode):

* ``blacklist``      harmful share > ``harmful_max`` (5 %)
* ``qualified``      otherwise, if the qualified share >= ``qualified_min`` (96 %) and the
                     technical sample (every scanned item, >= ``technical_rate`` of the source)
                     is >= ``technical_qualified_min`` (98 %) qualified
* ``not_qualified``  otherwise (clean it, then audit again)

Rates come with Wilson confidence intervals so a reader can see how firm a verdict is.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genguard.corpus.readers import ReaderConfig
from genguard.corpus.runner import execute, files_fingerprint, fingerprint, policy_fingerprint, prepare_inputs
from genguard.corpus.sampling import SAMPLE_KEYS, sampling_root, scan_probability
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.tasks import Job
from genguard.stats import wilson_interval
from genguard.taxonomy import get_taxonomy

MALFORMED_IN_REPORT = 200


def run_audit(
    paths: Sequence[str | Path], *, out: Path, reader: ReaderConfig | None = None, settings: CorpusSettings | None = None,
    policy: str | None = None, seed: int = 0, full: bool = False, backend: str = "local", workers: int = 1,
    resume: bool = True, show_progress: bool | None = None,
) -> dict[str, Any]:
    """Audit the corpus at ``paths``; writes audit.json/.md/.html and malformed.jsonl into ``out``."""
    reader, guard, settings, inputs, shards = prepare_inputs(list(paths), reader, settings, policy, out)
    files = inputs.files
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # SAMPLE_KEYS: checkpoints of a run whose documents were keyed another way must not resume
    fp = fingerprint(files_fingerprint(files), reader.fingerprint(), settings.model_dump(mode="json"),
                     policy_fingerprint(policy), seed, full, settings.shard_mb, SAMPLE_KEYS)
    ckpt = (out / ".checkpoints" / f"audit-{fp}") if resume else None
    base = Job(task="count", reader=reader, settings=settings.model_dump(mode="json"), policy=policy, seed=seed, full=full,
               sample_root=sampling_root(files))
    probs: dict[str, tuple[float, float]] = {}
    counts: dict[str, int] = {}
    if not full:
        count_job = Job(**{**base.__dict__, "task": "count"})
        for res in execute("count", shards, count_job, backend=backend, workers=workers,
                           checkpoint_dir=(ckpt / "count") if ckpt else None, show_progress=show_progress):
            for src, n in res["counts"].items():
                counts[src] = counts.get(src, 0) + n
        for src, n in counts.items():
            p_sample = scan_probability(n, settings.sample_size, 0.0)
            probs[src] = (max(p_sample, settings.technical_rate), p_sample)
    audit_job = Job(**{**base.__dict__, "task": "audit", "probs": probs})
    results = execute("audit", shards, audit_job, backend=backend, workers=workers,
                      checkpoint_dir=(ckpt / "scan") if ckpt else None, show_progress=show_progress)
    report = build_report(results, settings=settings, full=full, seed=seed)
    elapsed = time.perf_counter() - t0
    total_bytes = sum(s.nbytes for s in shards)
    report.update(
        run_id=uuid.uuid4().hex[:12], created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        backend=backend, workers=workers, policy=f"{guard.policy.name}@{guard.policy.version}",
        detectors=[d.name for d in guard.detectors], files=len(files),
        timing={"seconds": round(elapsed, 3), "mb_per_s": round(total_bytes / 1e6 / elapsed, 3) if elapsed else 0.0},
    )
    report["inputs"]["bytes"] = total_bytes
    report["skipped_files"] = inputs.skipped
    write_reports(report, out)
    return report


def _merge_agg(a: dict[str, Any], b: dict[str, Any]) -> None:
    for k in ("n", "harmful", "unqualified"):
        a[k] += b[k]
    for key in ("codes", "actions"):
        for c, v in b[key].items():
            a[key][c] = a[key].get(c, 0) + v


def build_report(results: list[dict[str, Any]], *, settings: CorpusSettings, full: bool, seed: int) -> dict[str, Any]:
    """Merge shard results (in shard order) into the per-source report; pure and deterministic."""
    merged: dict[str, dict[str, Any]] = {}
    malformed: list[list[Any]] = []
    malformed_count = 0
    for res in results:
        malformed.extend(res["malformed"])
        malformed_count += res["malformed_count"]
        for src, s in res["sources"].items():
            m = merged.setdefault(src, {"docs": 0, "bytes": 0, "scanned_bytes": 0,
                                        "scanned": {"n": 0, "harmful": 0, "unqualified": 0, "codes": {}, "actions": {}},
                                        "cands": [], "examples": {}})
            m["docs"] += s["docs"]
            m["bytes"] += s["bytes"]
            m["scanned_bytes"] += s["scanned_bytes"]
            _merge_agg(m["scanned"], s["scanned"])
            m["cands"].extend(s["cands"])
            for code, ex in s["examples"].items():
                m["examples"].setdefault(code, []).extend(ex)
    sources = [_source_summary(name, m, settings, full) for name, m in sorted(merged.items())]
    by_file: dict[str, int] = {}
    for f, _line, _p, _s in malformed:
        by_file[f] = by_file.get(f, 0) + 1
    return {
        "mode": "full" if full else "sample",
        "seed": seed,
        "settings": settings.model_dump(mode="json"),
        "inputs": {"docs": sum(m["docs"] for m in merged.values()), "malformed": malformed_count,
                   "scanned": sum(m["scanned"]["n"] for m in merged.values())},
        "malformed": [{"file": f, "line": ln, "problem": p, "source": s} for f, ln, p, s in malformed],
        "malformed_by_file": by_file,
        "sources": sources,
        "verdicts": {v: sum(1 for s in sources if s["verdict"] == v) for v in ("qualified", "not_qualified", "blacklist")},
    }


def _rate(hits: int, n: int, conf: float) -> dict[str, Any]:
    lo, hi = wilson_interval(hits, n, conf)
    return {"hits": hits, "n": n, "rate": (hits / n) if n else 0.0, "ci": [round(lo, 6), round(hi, 6)]}


def _source_summary(name: str, m: dict[str, Any], st: CorpusSettings, full: bool) -> dict[str, Any]:
    tax = get_taxonomy()
    scanned = m["scanned"]
    if full:
        basis = {"n": scanned["n"], "harmful": scanned["harmful"], "unqualified": scanned["unqualified"],
                 "codes": dict(scanned["codes"])}
    else:
        cands = sorted(m["cands"], key=lambda c: c[0])[: st.sample_size]
        codes: dict[str, int] = {}
        for c in cands:
            for code in c[3]:
                codes[code] = codes.get(code, 0) + 1
        basis = {"n": len(cands), "harmful": sum(int(c[4]) for c in cands),
                 "unqualified": sum(int(c[5]) for c in cands), "codes": codes}
    n = basis["n"]
    harm = _rate(basis["harmful"], n, st.confidence)
    qual = _rate(n - basis["unqualified"], n, st.confidence)
    tech = _rate(scanned["n"] - scanned["unqualified"], scanned["n"], st.confidence)
    required = min(st.sample_size, m["docs"])
    reasons: list[str] = []
    if n < required:
        reasons.append(f"sample has {n} items, fewer than the {required} required")
    if harm["rate"] > st.harmful_max:
        verdict = "blacklist"
        reasons.append(f"harmful {harm['rate']:.2%} > {st.harmful_max:.0%}")
    else:
        ok = qual["rate"] >= st.qualified_min and tech["rate"] >= st.technical_qualified_min
        verdict = "qualified" if ok and n >= required and n > 0 else "not_qualified"
        if qual["rate"] < st.qualified_min:
            reasons.append(f"qualified {qual['rate']:.2%} < {st.qualified_min:.0%}")
        if tech["rate"] < st.technical_qualified_min:
            reasons.append(f"technical sample qualified {tech['rate']:.2%} < {st.technical_qualified_min:.0%}")
        if n == 0:
            reasons.append("no documents")
    if verdict != "blacklist" and harm["ci"][1] > st.harmful_max:
        reasons.append(f"borderline: harmful upper {st.confidence:.0%} bound {harm['ci'][1]:.2%} > {st.harmful_max:.0%}")
    rates = []
    for code in sorted(basis["codes"]):
        r = _rate(basis["codes"][code], n, st.confidence)
        known = tax.has(code)
        rates.append({"code": code, "name_en": tax.name(code, "en") if known else code,
                      "name_zh": tax.name(code, "zh") if known else code, **r})
    examples = {code: [{"doc_id": e[1], "action": e[2], "evidence": e[3], "snippet": e[4]}
                       for e in sorted(ex, key=lambda e: e[0])[: st.examples_per_code]]
                for code, ex in sorted(m["examples"].items())}
    return {
        "source": name, "verdict": verdict, "reasons": reasons, "total": m["docs"], "bytes": m["bytes"],
        "basis": "full" if full else "sample", "sampled": n, "required": required, "scanned": scanned["n"],
        "scanned_share": (scanned["n"] / m["docs"]) if m["docs"] else 0.0,
        "harmful_rate": harm["rate"], "harmful": harm, "qualified_rate": qual["rate"], "qualified": qual,
        "technical": {**tech, "passed": tech["rate"] >= st.technical_qualified_min},
        "actions": scanned["actions"], "rates": rates, "examples": examples,
        "sample_ids": [] if full else [c[1] for c in sorted(m["cands"], key=lambda c: c[0])[: st.sample_size]],
    }


def write_reports(report: dict[str, Any], out: Path) -> None:
    from genguard.corpus.reporting import render_audit_html, render_audit_markdown
    from genguard.report import write_json

    with (out / "malformed.jsonl").open("w", encoding="utf-8") as fh:
        for m in report["malformed"]:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    slim = {**report, "malformed": report["malformed"][:MALFORMED_IN_REPORT],
            "malformed_listed_in": "malformed.jsonl"}
    slim["sources"] = [{k: v for k, v in s.items() if k != "sample_ids"} for s in report["sources"]]
    write_json(out / "audit.json", slim)
    with (out / "sample_ids.jsonl").open("w", encoding="utf-8") as fh:
        for s in report["sources"]:
            for doc_id in s["sample_ids"]:
                fh.write(json.dumps({"source": s["source"], "id": doc_id}, ensure_ascii=False) + "\n")
    (out / "audit.md").write_text(render_audit_markdown(slim), encoding="utf-8")
    for lang in ("en", "zh"):
        name = "audit.html" if lang == "en" else "audit.zh.html"
        (out / name).write_text(render_audit_html(slim, lang), encoding="utf-8")
