"""``corpus annotate-qa``: quality checks on annotated SFT and preference data.

TC260-003 asks that annotation rules be traceable and annotated content be checked. On a seeded
sample (bottom-k by the same key as the audit) this checks, with the Guard:

* **answer safety**: an annotated answer (SFT ``response`` / preference ``chosen``) that the Guard
  would refuse or block is unsafe training signal;
* **harmful compliance**: an annotated answer that carries out a request the policy acts on as
  an input (the ``harmful_compliance`` detector: the prompt's input findings, then the
  assessment's answer judge), which the answer alone rarely shows - "first mix these two" holds
  no keyword;
* **label consistency**: a record's own safety label (``label`` field: safe/unsafe, 0/1) against
  the Guard's verdict on the answer; a preference pair whose ``chosen`` is less safe than its
  ``rejected``; and the same prompt+answer annotated with different labels elsewhere in the set
  (checked over the whole file, keyed by a hash, so memory stays small).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genguard.corpus.readers import Document, ReaderConfig, collect_inputs, iter_shard, plan_shards
from genguard.corpus.sampling import doc_key, sample_name, sampling_root
from genguard.corpus.tasks import guard_for
from genguard.corpus.textops import normalized_key
from genguard.detect.base import DetectContext
from genguard.detect.compliance import HarmfulComplianceDetector
from genguard.errors import InputError, invalid_json
from genguard.findings import Direction
from genguard.stats import wilson_interval

SAFE_LABELS = {"safe", "0", "false", "harmless", "ok", "安全", "pass"}
UNSAFE_LABELS = {"unsafe", "1", "true", "harmful", "toxic", "不安全", "fail"}


def _norm_label(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip().lower()
    if s in SAFE_LABELS:
        return "safe"
    if s in UNSAFE_LABELS:
        return "unsafe"
    return s or None


def run_annotation_qa(
    paths: Sequence[str | Path], *, out: Path, kind: str = "auto", prompt_field: str = "prompt",
    response_field: str = "response", chosen_field: str = "chosen", rejected_field: str = "rejected",
    label_field: str = "label", sample: int = 4000, seed: int = 0, policy: str | None = None,
) -> dict[str, Any]:
    """Sample annotated records and check them; writes annotation_qa.json/.html into ``out``."""
    guard = guard_for(policy)
    complies = HarmfulComplianceDetector("harmful_compliance")
    # read whole records: the reader's text field is a placeholder, records are re-parsed below
    cfg = ReaderConfig(text_field=prompt_field)
    inputs = collect_inputs(list(paths), cfg, exclude=[out])
    files = inputs.files
    root = sampling_root(files)
    heap: list[tuple[float, str, dict[str, Any]]] = []
    labels_by_item: dict[bytes, set[str]] = {}
    malformed: list[dict[str, Any]] = []
    total = 0  # parsed records (JSON objects)
    n_missing = 0
    detected = kind
    for shard in plan_shards(files, cfg, shard_bytes=1 << 62):
        for rec in _records(shard, cfg, malformed):
            total += 1
            if detected == "auto":
                detected = "preference" if chosen_field in rec["obj"] else "sft"
            obj = rec["obj"]
            fields = [response_field] if detected == "sft" else [chosen_field, rejected_field]
            missing = [f for f in [prompt_field, *fields] if not isinstance(obj.get(f), str)]
            if missing:
                n_missing += 1
                malformed.append({"file": rec["file"], "line": rec["line"], "problem": f"missing field(s) {', '.join(missing)}"})
                continue
            label = _norm_label(obj.get(label_field))
            if label is not None and detected == "sft":
                key = hashlib.blake2b(
                    (normalized_key(obj[prompt_field]) + "\x00" + normalized_key(obj[response_field])).encode(),
                    digest_size=12,
                ).digest()
                labels_by_item.setdefault(key, set()).add(label)
            u = doc_key(seed, sample_name(rec["file"], rec["line"], root))
            item = (-u, rec["id"], obj)
            if len(heap) < sample:
                heapq.heappush(heap, item)
            elif -heap[0][0] > u:
                heapq.heapreplace(heap, item)
    if not heap:  # no record, or none with the fields its kind needs: a result would be an empty table
        where = ", ".join(map(str, paths))
        if not malformed:
            raise InputError(f"no annotated records in {where} / 没有标注记录")
        eg = malformed[0]
        raise InputError(f"no usable annotated record in {where}: {len(malformed):,} malformed "
                         f"(first: {eg['file']}:{eg['line']}: {eg['problem']}) / 没有可用的标注记录")
    chosen_sample = sorted(heap, key=lambda x: -x[0])
    issues: list[dict[str, Any]] = []
    n_unsafe = n_label_checked = n_label_mismatch = n_pref_inverted = n_conflict = n_complies = 0

    def compliance(answer: str, prompt: str) -> list[str]:
        """The codes of the harmful request ``answer`` complies with (none when it refuses, or
        when the policy would let ``prompt`` through as an input)."""
        ctx = DetectContext(answer, Direction.OUTPUT, prompt=prompt)
        ctx.prompt_findings = guard.prompt_findings(prompt) if prompt.strip() else []
        return [f.category for f in complies.detect(ctx)]

    for _neg_u, rid, obj in chosen_sample:
        prompt = obj[prompt_field]
        if detected == "sft":
            d = guard.check(obj[response_field], Direction.OUTPUT, prompt=prompt)
            harm = compliance(obj[response_field], prompt)
            label = _norm_label(obj.get(label_field))
            if harm:
                n_complies += 1
                issues.append({"id": rid, "issue": "harmful_compliance", "categories": harm, "label": label})
            verdict = "unsafe" if d.blocked or harm else "safe"
            if verdict == "unsafe" and label != "unsafe":
                n_unsafe += 1
                issues.append({"id": rid, "issue": "unsafe_answer", "categories": d.categories or harm, "label": label})
            if label in ("safe", "unsafe"):
                n_label_checked += 1
                if label != verdict:
                    n_label_mismatch += 1
                    issues.append({"id": rid, "issue": "label_mismatch", "label": label, "guard": verdict,
                                   "categories": d.categories})
            key = hashlib.blake2b(
                (normalized_key(prompt) + "\x00" + normalized_key(obj[response_field])).encode(), digest_size=12
            ).digest()
            if len(labels_by_item.get(key, set())) > 1:
                n_conflict += 1
                issues.append({"id": rid, "issue": "conflicting_labels", "labels": sorted(labels_by_item[key])})
        else:
            dc = guard.check(obj[chosen_field], Direction.OUTPUT, prompt=prompt)
            dr = guard.check(obj[rejected_field], Direction.OUTPUT, prompt=prompt)
            harm_c, harm_r = compliance(obj[chosen_field], prompt), compliance(obj[rejected_field], prompt)
            if harm_c:
                n_complies += 1
                issues.append({"id": rid, "issue": "harmful_compliance", "categories": harm_c, "answer": "chosen"})
            if dc.blocked:
                n_unsafe += 1
                issues.append({"id": rid, "issue": "unsafe_chosen", "categories": dc.categories})
            if dc.action.severity > dr.action.severity or (harm_c and not harm_r):
                n_pref_inverted += 1
                issues.append({"id": rid, "issue": "preference_inverted", "chosen": dc.action.value,
                               "rejected": dr.action.value, "chosen_complies": bool(harm_c),
                               "rejected_complies": bool(harm_r)})
    n = len(chosen_sample)

    def rate(h: int, m: int) -> dict[str, Any]:
        lo, hi = wilson_interval(h, m)
        return {"hits": h, "n": m, "rate": h / m if m else 0.0, "ci": [round(lo, 6), round(hi, 6)]}

    report = {
        "kind": detected, "records": total + len(malformed) - n_missing, "sampled": n, "seed": seed, "malformed": malformed,
        "policy": f"{guard.policy.name}@{guard.policy.version}",
        "checks": {
            "unsafe_answer": rate(n_unsafe, n),
            "harmful_compliance": rate(n_complies, n),
            "label_mismatch": rate(n_label_mismatch, n_label_checked),
            "conflicting_labels": rate(n_conflict, n),
            "preference_inverted": rate(n_pref_inverted, n if detected == "preference" else 0),
        },
        "issues": issues,
        "skipped_files": inputs.skipped,
    }
    out.mkdir(parents=True, exist_ok=True)
    from genguard.corpus.reporting import render_qa_html
    from genguard.report import write_json

    write_json(out / "annotation_qa.json", report)
    (out / "annotation_qa.html").write_text(render_qa_html(report, "en"), encoding="utf-8")
    (out / "annotation_qa.zh.html").write_text(render_qa_html(report, "zh"), encoding="utf-8")
    return report


def _records(shard: Any, cfg: ReaderConfig, malformed: list[dict[str, Any]]) -> Any:
    """Whole JSON/CSV records (the QA needs several fields), malformed ones reported."""
    import json

    from genguard.corpus.readers import split_name

    fmt, _ = split_name(shard.file)
    if fmt != "jsonl":
        raise InputError(f"{shard.file}: annotation QA reads JSONL (one record per line)")
    # reuse the line reader for decoding/length errors, then parse the full object
    for rec in iter_shard(shard, ReaderConfig(text_field="\x00raw", format="text")):
        if not isinstance(rec, Document):
            malformed.append({"file": rec.file, "line": rec.line, "problem": rec.problem})
            continue
        try:
            obj = json.loads(rec.text)
        except json.JSONDecodeError as exc:
            malformed.append({"file": rec.file, "line": rec.line, "problem": invalid_json(exc.msg, exc.colno)})
            continue
        if not isinstance(obj, dict):
            malformed.append({"file": rec.file, "line": rec.line, "problem": "record is not a JSON object"})
            continue
        yield {"id": rec.doc_id, "file": rec.file, "line": rec.line, "obj": obj}
