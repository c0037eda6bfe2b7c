"""Per-shard work, identical on every backend: count, audit-scan, clean-scan.

A task takes a shard and a picklable :class:`Job` and returns a JSON-serialisable dict, which is
also the shard's checkpoint. Workers build their Guard once per process (cached by policy), so a
task costs only the documents it reads.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from genguard.corpus.readers import Document, Malformed, ReaderConfig, Shard, iter_shard
from genguard.corpus.sampling import doc_key, sample_name
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.textops import scan_texts, token_shingle_hashes, tokens
from genguard.findings import Decision, Direction
from genguard.guard import Guard, grouped

MAX_MALFORMED_LISTED = 10_000  # per shard; counts stay exact beyond it
MINHASH_SCHEME = "affine32"  # uint32 signatures; shingles arrive already hashed (crc32)


def _identity(x: int) -> int:
    return x


@dataclass
class Job:
    """Everything a worker needs; plain data so it pickles to processes and Ray actors."""

    task: str  # count | audit | clean
    reader: ReaderConfig
    settings: dict[str, Any]
    policy: str | None = None
    seed: int = 0
    sample_root: str = ""  # sampling names are relative to this folder (sampling.sampling_root)
    full: bool = False
    probs: dict[str, tuple[float, float]] = field(default_factory=dict)  # source -> (p_scan, p_sample)
    work_dir: str = ""
    eval_grams: frozenset[str] = frozenset()
    eval_short: dict[int, frozenset[str]] = field(default_factory=dict)
    blacklisted: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_GUARDS: dict[str | None, Guard] = {}


def guard_for(policy: str | None) -> Guard:
    """The process's guard for ``policy``, built once and settled (:func:`_settle`)."""
    if policy not in _GUARDS:
        guard = _GUARDS[policy] = Guard.from_policy(policy)
        _settle(guard)
    return _GUARDS[policy]


# Documents that reach the tables a guard builds on first use and the short warm-up text does not:
# both output classifiers' own tables (windows in each language), the name recogniser's word list
# (a surname before an honorific), the keyword engine's interleaved-key pairs and pinyin view.
_WARM_TEXTS = [
    "Dear Mr. Smith, thank you for the report. " * 6 + "Call me at +1 415 555 0100 or mail a.b@example.com.",
    "张伟先生您好，感谢您的来信。我们会尽快处理，请保持电话畅通。" * 4 + "不要制1作2炸3弹，也不要学 zha dan 的做法。",
]


def _settle(guard: Guard) -> None:
    """Ready a corpus process for a long scan: the guard's lazy tables built (``warm_up`` and
    :data:`_WARM_TEXTS`), the objects alive then moved out of the garbage collector's sight
    (``gc.freeze``), and numpy's BLAS kept to the calling thread. A run settles its guard before
    it forks its local workers (``runner.prepare_inputs``), which then share the tables' pages
    instead of each building its own.

    Why: a scan allocates millions of short-lived objects, and every collection they trigger
    also walked the keyword banks, models and name lists built at start-up (about 2 % of a full
    scan's CPU time went to the collector). The classifiers make no BLAS call that needs
    threads, but OpenBLAS's idle threads spun on the CPU after each small one (another ~1 %),
    and with one worker per core they would only compete with the other workers."""
    guard.warm_up()
    guard.check_batch(_WARM_TEXTS, Direction.OUTPUT)  # the tables only long, mixed documents reach
    threadpool_limits(limits=1, user_api="blas")
    gc.collect()
    gc.freeze()


def run_task(shard: Shard, job: Job) -> dict[str, Any]:
    if job.task == "count":
        return count_shard(shard, job)
    if job.task == "audit":
        return audit_shard(shard, job)
    if job.task == "clean":
        return clean_shard(shard, job)
    raise ValueError(f"unknown task {job.task!r}")


def _malformed(rec: Malformed, out: dict[str, Any]) -> None:
    out["malformed_count"] += 1
    if len(out["malformed"]) < MAX_MALFORMED_LISTED:
        out["malformed"].append([rec.file, rec.line, rec.problem, rec.source])


def _base(shard: Shard) -> dict[str, Any]:
    return {"shard": shard.index, "key": shard.key, "bytes": shard.nbytes, "malformed": [], "malformed_count": 0}


def count_shard(shard: Shard, job: Job) -> dict[str, Any]:
    out = _base(shard)
    counts: dict[str, int] = {}
    for rec in iter_shard(shard, job.reader):
        if isinstance(rec, Malformed):
            _malformed(rec, out)
        else:
            counts[rec.source] = counts.get(rec.source, 0) + 1
    out["counts"] = counts
    return out


# ------------------------------------------------------------------------------------------ audit
def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _agg() -> dict[str, Any]:
    return {"n": 0, "harmful": 0, "unqualified": 0, "codes": {}, "actions": {}}


def _add(agg: dict[str, Any], action: str, codes: list[str], harmful: bool, unqualified: bool) -> None:
    agg["n"] += 1
    agg["harmful"] += int(harmful)
    agg["unqualified"] += int(unqualified)
    agg["actions"][action] = agg["actions"].get(action, 0) + 1
    for c in codes:
        agg["codes"][c] = agg["codes"].get(c, 0) + 1


def with_decisions(
    records: Iterable[Document | Malformed], guard: Guard, direction: Direction, wanted: Callable[[Document], bool]
) -> Iterator[tuple[Document | Malformed, Decision | None]]:
    """Each record in order with the guard's decision on its text when ``wanted`` (else None).
    Texts are scanned a group at a time (:func:`scan_texts`; groups as ``Guard.check_batch``
    makes them), the same decisions as one ``scan_text`` each for less CPU."""
    for group in grouped(records, _text_chars):
        yield from _decide_group(group, guard, direction, wanted)


def _text_chars(rec: Document | Malformed) -> int:
    return len(rec.text) if isinstance(rec, Document) else 0


def _decide_group(
    group: list[Document | Malformed], guard: Guard, direction: Direction, wanted: Callable[[Document], bool]
) -> list[tuple[Document | Malformed, Decision | None]]:
    scan = [r for r in group if isinstance(r, Document) and wanted(r)]
    decided = dict(zip(map(id, scan), scan_texts(guard, [r.text for r in scan], direction), strict=True))
    return [(r, decided.get(id(r))) for r in group]


def audit_shard(shard: Shard, job: Job) -> dict[str, Any]:
    """Scan the shard's documents whose sampling key falls under their source's scan probability."""
    settings = CorpusSettings.model_validate(job.settings)
    guard = guard_for(job.policy)
    harmful_actions = set(settings.harmful_actions)
    unqualified_actions = set(settings.unqualified_actions)
    out = _base(shard)
    sources: dict[str, dict[str, Any]] = {}

    def probs(rec: Document) -> tuple[float, float]:  # (p_scan, p_sample)
        return (1.0, 1.0) if job.full else job.probs.get(rec.source, (1.0, 1.0))

    def wanted(rec: Document) -> bool:
        return doc_key(job.seed, sample_name(rec.file, rec.line, job.sample_root)) < probs(rec)[0]

    for rec, d in with_decisions(iter_shard(shard, job.reader), guard, settings.direction, wanted):
        if isinstance(rec, Malformed):
            _malformed(rec, out)
            continue
        src = sources.setdefault(rec.source, {"docs": 0, "bytes": 0, "scanned_bytes": 0, "scanned": _agg(),
                                              "cands": [], "examples": {}})
        src["docs"] += 1
        src["bytes"] += rec.nbytes
        if d is None:  # its sampling key is over the source's scan probability (see wanted)
            continue
        u = doc_key(job.seed, sample_name(rec.file, rec.line, job.sample_root))
        codes = d.categories
        harmful = d.action in harmful_actions
        unq = d.action in unqualified_actions
        src["scanned_bytes"] += rec.nbytes
        _add(src["scanned"], d.action.value, codes, harmful, unq)
        if not job.full and u < probs(rec)[1]:
            src["cands"].append([u, rec.doc_id, d.action.value, codes, harmful, unq])
        _examples(src["examples"], u, rec, d, settings.examples_per_code)
    out["sources"] = sources
    return out


def _examples(store: dict[str, list[Any]], u: float, doc: Document, d: Decision, keep: int) -> None:
    if keep <= 0:
        return
    for code in d.categories:
        lst = store.setdefault(code, [])
        if len(lst) >= keep and u >= lst[-1][0]:
            continue
        f = next((f for f in d.findings if f.category == code), None)
        ev = f.evidence if f else ""
        snip = _snippet(doc.text, f.start, f.end) if f else doc.text[:160]
        lst.append([u, doc.doc_id, d.action.value, ev, snip])
        lst.sort(key=lambda e: e[0])
        del lst[keep:]


# ------------------------------------------------------------------------------------------ clean
def eval_hits(toks: list[str], grams: frozenset[str], short: dict[int, frozenset[str]], n: int) -> list[str]:
    """Evaluation n-grams (or whole short evaluation items) found in a token list."""
    hits: list[str] = []
    if grams and len(toks) >= n:
        for i in range(len(toks) - n + 1):
            g = "\x1f".join(toks[i : i + n])
            if g in grams:
                hits.append(g)
                if len(hits) >= 3:
                    return hits
    for length, items in short.items():
        for i in range(len(toks) - length + 1):
            g = "\x1f".join(toks[i : i + length])
            if g in items:
                hits.append(g)
                return hits
    return hits


def clean_shard(shard: Shard, job: Job) -> dict[str, Any]:
    """Scan every document and write one intermediate line per record (kept, changed or dropped).

    Deduplication needs a global view, so it happens afterwards in :mod:`genguard.corpus.clean`;
    here each kept document carries its exact-duplicate key and MinHash signature.
    """
    import base64

    import numpy as np
    from datasketch import MinHash

    from genguard.redact import apply_redaction, get_operator

    settings = CorpusSettings.model_validate(job.settings)
    guard = guard_for(job.policy)
    op_name = settings.pii_operator or guard.policy.redaction.operator
    op_opts = guard.policy.redaction.options if settings.pii_operator is None else {}
    operator = get_operator(op_name, **op_opts)
    drop_actions = set(settings.drop_actions)
    redact_actions = set(settings.redact_actions)
    out = _base(shard)
    stats: dict[str, int] = {}
    path = Path(job.work_dir) / f"shard-{shard.index:05d}.jsonl"
    tmp = path.with_suffix(".part")
    permutations = MinHash(num_perm=settings.num_perm, seed=1, hashfunc=_identity, scheme=MINHASH_SCHEME).permutations
    with tmp.open("w", encoding="utf-8") as sink:
        records = with_decisions(iter_shard(shard, job.reader), guard, settings.direction,
                                 lambda r: r.source.strip() not in job.blacklisted)  # ledger names are stripped
        for rec, d in records:
            if isinstance(rec, Malformed):
                _malformed(rec, out)
                row: dict[str, Any] = {"id": rec.doc_id, "file": rec.file, "line": rec.line, "source": rec.source,
                                       "action": "skip", "reason": "malformed", "detail": {"problem": rec.problem}}
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                stats["malformed"] = stats.get("malformed", 0) + 1
                continue
            row = {"id": rec.doc_id, "file": rec.file, "line": rec.line, "source": rec.source}
            if d is None:  # a blacklisted source's document: not scanned
                row.update(action="drop", reason="blacklisted_source", detail={})
            elif d.action in drop_actions:  # dropped for harm: no tokens needed (a dirty source is mostly this)
                row.update(action="drop", reason="harmful", categories=d.categories,
                           detail={"decision": d.action.value,
                                   "evidence": sorted({f.evidence for f in d.findings if f.category in d.categories})[:5]})
            else:
                toks = tokens(rec.text)
                hits = eval_hits(toks, job.eval_grams, job.eval_short, settings.eval_ngram) if toks else []
                if hits:
                    row.update(action="drop", reason="eval_overlap", detail={"ngrams": [h.replace("\x1f", " ") for h in hits]})
                else:
                    text = rec.text
                    if d.action in redact_actions:
                        cats = {r.category for r in d.reasons if r.action in redact_actions}
                        spans = [f for f in d.findings if f.category in cats]
                        text = apply_redaction(rec.text, spans, operator)
                        row.update(action="redact", reason="pii", categories=sorted(cats),
                                   detail={"entities": sorted({f.entity or f.category for f in spans}), "spans": len(spans)})
                    else:
                        row["action"] = "keep"
                    m = MinHash(num_perm=settings.num_perm, seed=1, hashfunc=_identity, permutations=permutations,
                                scheme=MINHASH_SCHEME)
                    hv = token_shingle_hashes(toks, settings.shingle_tokens)
                    if hv:
                        m.update_batch(hv)
                    row["text"] = text
                    row["key"] = " ".join(toks)  # = normalized_key(rec.text)
                    row["mh"] = base64.b64encode(np.asarray(m.hashvalues, dtype=np.uint32).tobytes()).decode()
            stats[row["action"]] = stats.get(row["action"], 0) + 1
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    out["intermediate"] = str(path)
    out["stats"] = stats
    return out
