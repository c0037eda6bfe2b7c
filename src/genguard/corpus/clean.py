"""``corpus clean``: a cleaned copy of the corpus plus a manifest that accounts for every record.

Phase 1 (parallel, per shard, resumable): read, check with the Guard, drop harmful documents,
drop documents that overlap an evaluation set (token n-grams), de-identify personal information
with the redaction operators, and compute each kept document's exact-duplicate key and MinHash.
Phase 2 (one pass, in corpus order): remove exact duplicates and near-duplicates (datasketch
MinHash LSH, candidates verified against the configured Jaccard threshold), write
``cleaned.jsonl`` and ``manifest.jsonl``.

Every input record ends up in exactly one place: ``cleaned.jsonl`` (kept or redacted) or the
manifest as dropped/skipped with a reason; redacted documents appear in both (the manifest says
what changed). ``clean.json`` checks the arithmetic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from genguard.corpus.lsh import DedupIndex
from genguard.corpus.readers import Document, ReaderConfig, expand_paths, iter_shard, plan_shards
from genguard.corpus.runner import execute, files_fingerprint, fingerprint, policy_fingerprint, prepare_inputs
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.tasks import Job
from genguard.corpus.textops import ngrams, tokens
from genguard.errors import InputError

MIN_EVAL_TOKENS = 4  # shorter evaluation items would match ordinary text by chance


def load_eval_grams(paths: Sequence[str | Path], field: str, n: int, exclude: Sequence[str | Path] = ()
                    ) -> tuple[frozenset[str], dict[int, frozenset[str]], dict[str, Any]]:
    """Token n-grams of every evaluation item; items shorter than n are kept whole."""
    grams: set[str] = set()
    short: dict[int, set[str]] = {}
    info: dict[str, Any] = {"files": [], "items": 0, "malformed": []}
    if not paths:
        return frozenset(), {}, info
    cfg = ReaderConfig(text_field=field)
    files = expand_paths(list(paths), cfg, tuple(exclude))
    for shard in plan_shards(files, cfg, shard_bytes=1 << 62):
        info["files"].append(shard.file)
        for rec in iter_shard(shard, cfg):
            if not isinstance(rec, Document):
                info["malformed"].append({"file": rec.file, "line": rec.line, "problem": rec.problem})
                continue
            info["items"] += 1
            toks = tokens(rec.text)
            if len(toks) >= n:
                grams.update(ngrams(toks, n))
            elif len(toks) >= MIN_EVAL_TOKENS:
                short.setdefault(len(toks), set()).add("\x1f".join(toks))
    if info["items"] == 0:
        raise InputError(f"evaluation set(s) {', '.join(map(str, paths))} hold no readable item (field {field!r})")
    return frozenset(grams), {k: frozenset(v) for k, v in sorted(short.items())}, info


def eval_fingerprint(grams: frozenset[str], short: dict[int, frozenset[str]]) -> str:
    """Digest of the whole evaluation set as the clean step uses it: every n-gram and every
    short item. Checkpoints hold eval-overlap decisions, so any change to the set (an item
    added, edited or removed, short ones included) must start a fresh run instead of resuming
    with stale decisions; a sample of the n-grams would miss most changes."""
    h = hashlib.sha256()
    for g in sorted(grams):
        h.update(g.encode("utf-8", "surrogatepass") + b"\x00")
    for length, items in sorted(short.items()):
        h.update(f"\x01{length}\x01".encode())
        for item in sorted(items):
            h.update(item.encode("utf-8", "surrogatepass") + b"\x00")
    return h.hexdigest()


def run_clean(
    paths: Sequence[str | Path], *, out: Path, reader: ReaderConfig | None = None, settings: CorpusSettings | None = None,
    policy: str | None = None, eval_paths: Sequence[str | Path] | None = None, eval_field: str = "text",
    backend: str = "local", workers: int = 1, resume: bool = True, blacklisted: set[str] | None = None,
    show_progress: bool | None = None, dedup: bool = True,
) -> dict[str, Any]:
    reader, guard, settings, inputs, shards = prepare_inputs(list(paths), reader, settings, policy, out)
    files = inputs.files
    grams, short, eval_info = load_eval_grams(list(eval_paths or []), eval_field, settings.eval_ngram, exclude=[out])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    fp = fingerprint(files_fingerprint(files), reader.fingerprint(), settings.model_dump(mode="json"),
                     policy_fingerprint(policy), eval_fingerprint(grams, short), sorted(blacklisted or []))
    ckpt = out / ".checkpoints" / f"clean-{fp}"
    work = ckpt / "intermediate"
    work.mkdir(parents=True, exist_ok=True)
    job = Job(task="clean", reader=reader, settings=settings.model_dump(mode="json"), policy=policy,
              work_dir=str(work), eval_grams=grams, eval_short=short, blacklisted=frozenset(blacklisted or ()))
    results = execute("clean", shards, job, backend=backend, workers=workers,
                      checkpoint_dir=ckpt if resume else None, show_progress=show_progress)
    t1 = time.perf_counter()
    summary = _merge(results, out, settings, dedup)
    elapsed = time.perf_counter() - t0
    total_bytes = sum(s.nbytes for s in shards)
    summary.update(
        policy=f"{guard.policy.name}@{guard.policy.version}", detectors=[d.name for d in guard.detectors],
        backend=backend, workers=workers, files=len(files), skipped_files=inputs.skipped, bytes=total_bytes, eval=eval_info,
        settings=settings.model_dump(mode="json"),
        timing={"seconds": round(elapsed, 3), "scan_seconds": round(t1 - t0, 3), "dedup_seconds": round(elapsed - (t1 - t0), 3),
                "mb_per_s": round(total_bytes / 1e6 / elapsed, 3) if elapsed else 0.0},
    )
    from genguard.corpus.reporting import render_clean_html
    from genguard.report import write_json

    write_json(out / "clean.json", summary)
    (out / "clean.html").write_text(render_clean_html(summary, "en"), encoding="utf-8")
    (out / "clean.zh.html").write_text(render_clean_html(summary, "zh"), encoding="utf-8")
    return summary


def _merge(results: list[dict[str, Any]], out: Path, st: CorpusSettings, dedup: bool) -> dict[str, Any]:
    # recall-weighted banding: candidates are verified against the stored signatures, so extra
    # candidates cost a comparison while a missed candidate would be a missed duplicate
    w = st.lsh_recall_weight
    index = DedupIndex(out / "dedup-index.sqlite", st.near_dup_threshold, st.num_perm, weights=(1 - w, w))
    try:
        return _merge_rows(results, out, st, dedup, index)
    finally:
        index.close()


def _merge_rows(results: list[dict[str, Any]], out: Path, st: CorpusSettings, dedup: bool,
                index: DedupIndex) -> dict[str, Any]:
    counts: dict[str, int] = {"records": 0, "kept": 0, "redacted": 0, "dropped": 0, "skipped": 0}
    reasons: dict[str, int] = {}
    by_source: dict[str, dict[str, int]] = {}
    with (out / "cleaned.jsonl").open("w", encoding="utf-8") as cleaned, \
            (out / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for res in results:
            with open(res["intermediate"], encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    counts["records"] += 1
                    src = by_source.setdefault(str(row.get("source") or "?"), {"records": 0, "output": 0})
                    src["records"] += 1
                    if row["action"] in ("keep", "redact") and dedup:
                        _dedup(row, st, index)
                    text = row.pop("text", None)
                    row.pop("key", None)
                    row.pop("mh", None)
                    action = row["action"]
                    if action in ("keep", "redact"):
                        cleaned.write(json.dumps({"id": row["id"], "source": row["source"], "text": text},
                                                 ensure_ascii=False) + "\n")
                        src["output"] += 1
                        counts["kept" if action == "keep" else "redacted"] += 1
                        if action == "keep":
                            continue
                    else:
                        counts["dropped" if action == "drop" else "skipped"] += 1
                    reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
                    manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
    output = counts["kept"] + counts["redacted"]
    return {
        "counts": counts, "reasons": reasons, "by_source": by_source, "output_docs": output,
        "accounted": output + counts["dropped"] + counts["skipped"] == counts["records"],
        "malformed": sum(r["malformed_count"] for r in results),
        "files_written": {"cleaned": str(out / "cleaned.jsonl"), "manifest": str(out / "manifest.jsonl")},
    }


def _dedup(row: dict[str, Any], st: CorpusSettings, index: DedupIndex) -> None:
    """Mark ``row`` as an exact or near duplicate of an earlier kept document, or index it."""
    key = row["key"] or row["text"].strip()
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    first = index.first_exact(digest, row["id"])
    if first is not None:
        row.update(action="drop", reason="exact_duplicate", detail={"duplicate_of": first})
        return
    if not row["key"]:
        return  # no tokens: nothing to shingle, exact match only
    hv = np.frombuffer(base64.b64decode(row["mh"]), dtype=np.uint32)
    best, best_sim = index.best_match(hv)
    if best is not None and best_sim >= st.near_dup_threshold:
        row.update(action="drop", reason="near_duplicate", detail={"duplicate_of": best, "similarity": round(best_sim, 4)})
        return
    index.insert(hv, row["id"])
