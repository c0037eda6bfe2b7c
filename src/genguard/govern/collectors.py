"""Evidence collectors over the optional modules: corpus, assessment, classifiers, labels, gateway.

Each reads what its module recorded (database tables, model cards, configuration) and reports
it as :class:`~genguard.govern.evidence.Evidence`. When nothing has been recorded the evidence
is ``missing`` with the reason in zh and en; a collector never fills in a default as if it had
been measured. Module imports happen inside the collectors so a deployment without a module
still gets a report that says what is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genguard.govern.evidence import Evidence, EvidenceContext, collector

if TYPE_CHECKING:
    from genguard.store import Store

# TC260-003 clause 9 / 8.3-8.4 names of the three banks, as the assessment module stores them
BANK_KEYS = {"generated-content": "generated", "should-refuse": "should_refuse", "should-not-refuse": "should_not_refuse"}
NO_DB_EN, NO_DB_ZH = "no database given", "未提供数据库"


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


# -- corpus audits (TC260-003 clause 5) ----------------------------------------------------------
@collector("corpus.audits")
def corpus_audits(ctx: EvidenceContext) -> Evidence:
    """The newest audit verdict of every source in the corpus ledger, with the sampling numbers."""
    if ctx.store is None:
        return Evidence.missing("corpus.audits", NO_DB_EN, NO_DB_ZH)
    from sqlalchemy import func, select

    from genguard.corpus.models import CorpusAudit, CorpusSource

    with ctx.store.session() as s:
        newest = select(CorpusAudit.source_id, func.max(CorpusAudit.id).label("id")).group_by(CorpusAudit.source_id).subquery()
        q = (select(CorpusSource, CorpusAudit).join(newest, newest.c.source_id == CorpusSource.id)
             .join(CorpusAudit, CorpusAudit.id == newest.c.id).order_by(CorpusSource.name))
        rows = s.execute(q).all()
        n_sources = s.scalar(select(func.count()).select_from(CorpusSource)) or 0
        unaudited = [n for n in s.scalars(select(CorpusSource.name).order_by(CorpusSource.name))
                     if n not in {src.name for src, _ in rows}]
    if not rows:
        why = f"no corpus audit recorded ({n_sources} sources in the ledger)"
        return Evidence.missing("corpus.audits", why, f"未记录语料评估（来源台账中有 {n_sources} 个来源）")
    sources = [{
        "name": src.name, "size": a.total, "sampled": a.sampled, "required": min(4000, a.total),
        "qualified_rate": a.qualified_rate, "harmful_rate": a.harmful_rate, "verdict": a.verdict,
        "blacklisted": src.blacklisted, "blacklist_reason": src.blacklist_reason, "licence": src.licence,
        "origin": src.origin, "basis": (a.summary or {}).get("basis", ""), "reasons": (a.summary or {}).get("reasons", []),
        "audit_run": a.run_id, "audited_at": _iso(a.created_at),
    } for src, a in rows]
    verdicts = Counter(x["verdict"] for x in sources)
    black = sum(1 for x in sources if x["blacklisted"])
    vs = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    zh_names = {"qualified": "合格", "not_qualified": "不合格", "blacklist": "列入黑名单"}
    vs_zh = "，".join(f"{zh_names.get(k, k)} {v}" for k, v in sorted(verdicts.items()))
    extra = f"; {len(unaudited)} ledger sources never audited" if unaudited else ""
    extra_zh = f"；台账中 {len(unaudited)} 个来源从未评估" if unaudited else ""
    return Evidence(
        key="corpus.audits", status="present", source="corpus ledger (corpus_sources, corpus_audits)",
        value={"sources": sources, "unaudited": unaudited},
        summary=f"{len(sources)} audited sources ({vs}); {black} blacklisted{extra}",
        summary_zh=f"已评估 {len(sources)} 个语料来源（{vs_zh}）；{black} 个在黑名单中{extra_zh}",
    )


# -- assessment runs (TC260-003 clause 9, banks 8.3-8.4) -----------------------------------------
def latest_finished_run(store: Store) -> Any:
    """The most recently finished assessment run (``AssessRun``) or ``None``; the assessment
    module owns what "finished" and "newest" mean."""
    from genguard.assess.metrics_api import latest_finished_run_row

    return latest_finished_run_row(store)


def _run_summary(store: Store, run: Any) -> dict[str, Any]:
    if run.summary:
        return dict(run.summary)
    from genguard.assess.runner import summarize

    return summarize(store, run.id, save=False)


@collector("assess.latest")
def assess_latest(ctx: EvidenceContext) -> Evidence:
    """Rates and TC260 verdicts of the latest finished assessment run."""
    if ctx.store is None:
        return Evidence.missing("assess.latest", NO_DB_EN, NO_DB_ZH)
    run = latest_finished_run(ctx.store)
    if run is None:
        return Evidence.missing("assess.latest", "no finished assessment run recorded", "未记录已完成的安全评估")
    sm = _run_summary(ctx.store, run)
    rates = sm.get("rates", {})

    def rate(name: str) -> dict[str, Any]:
        r = rates.get(name) or {}
        return {"n": r.get("n", 0), "k": r.get("k", 0), "rate": r.get("rate", 0.0), "low": r.get("low"), "high": r.get("high")}

    gen, ref, non, atk = rate("pass_rate"), rate("refusal_rate"), rate("over_refusal_rate"), rate("attack_success_rate")
    value = {
        "run_id": run.id, "name": run.name, "finished_at": _iso(run.finished_at),
        "target": (run.config or {}).get("target", {}), "attacks": (run.config or {}).get("attacks", []),
        "generated": {"n": gen["n"], "pass_rate": gen["rate"], "ci": [gen["low"], gen["high"]]},
        "should_refuse": {"n": ref["n"], "refusal_rate": ref["rate"], "ci": [ref["low"], ref["high"]]},
        "should_not_refuse": {"n": non["n"], "refusal_rate": non["rate"], "ci": [non["low"], non["high"]]},
        "attack_success": {"n": atk["n"], "rate": atk["rate"]},
        "by_class": {k: v.get("rate") for k, v in (sm.get("by_class") or {}).items()},
        "verdicts": [{k: v.get(k) for k in ("criterion", "value", "threshold", "op", "sample", "passed", "note")}
                     for v in sm.get("verdicts", [])],
        "passed": bool(sm.get("passed")),
    }
    failed = [v["criterion"] for v in value["verdicts"] if not v["passed"]]
    verdict_en = "passes its TC260 checks" if value["passed"] else f"fails: {', '.join(failed)}"
    verdict_zh = "通过 TC260 各项检查" if value["passed"] else f"未通过：{'、'.join(failed)}"
    return Evidence(
        key="assess.latest", status="present", source=f"assessment run {run.id}", value=value,
        summary=(f"run {run.id} ({_iso(run.finished_at)}): pass {gen['rate']:.1%} of {gen['n']}, refusal "
                 f"{ref['rate']:.1%} of {ref['n']}, over-refusal {non['rate']:.1%} of {non['n']}; {verdict_en}"),
        summary_zh=(f"评估 {run.id}（{_iso(run.finished_at)}）：生成内容合格率 {gen['rate']:.1%}（{gen['n']} 题），"
                    f"应拒答拒答率 {ref['rate']:.1%}（{ref['n']} 题），非拒答拒答率 {non['rate']:.1%}（{non['n']} 题）；{verdict_zh}"),
    )


@collector("assess.banks")
def assess_banks(ctx: EvidenceContext) -> Evidence:
    """Sizes and risk coverage of the test banks the latest finished run was drawn from."""
    if ctx.store is None:
        return Evidence.missing("assess.banks", NO_DB_EN, NO_DB_ZH)
    run = latest_finished_run(ctx.store)
    if run is None:
        return Evidence.missing("assess.banks", "no finished assessment run names a test bank", "没有已完成的评估记录所用题库")
    cfg = run.config or {}
    counts = {BANK_KEYS.get(k, k): int(v) for k, v in (cfg.get("bank_sizes") or {}).items()}
    value: dict[str, Any] = {"run_id": run.id, "bank": cfg.get("bank", []), "counts": counts,
                             "covered_count": cfg.get("covered_risks")}
    # the run records sizes and the number of covered risks; the codes come from the bank files if still there
    from genguard.assess.bank import BankType, load_banks, resolve_bank
    from genguard.errors import GenguardError

    try:
        items = load_banks([resolve_bank(str(b)) for b in cfg.get("bank", [])]) if cfg.get("bank") else []
    except GenguardError:
        items = []
    if items and Counter(BANK_KEYS[str(i.bank)] for i in items) == Counter(counts):
        value["covered_codes"] = sorted({i.risk for i in items if i.bank == BankType.GENERATED and i.risk
                                         and i.risk.startswith("A")})
        value["per_code"] = dict(sorted(Counter(i.risk or "-" for i in items if i.bank == BankType.GENERATED).items()))
        value["refuse_per_code"] = dict(sorted(Counter(i.risk or "-" for i in items
                                                       if i.bank == BankType.SHOULD_REFUSE).items()))
    covered = len(value.get("covered_codes", [])) if "covered_codes" in value else value["covered_count"]
    sizes = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    zh = {"generated": "生成内容", "should_refuse": "应拒答", "should_not_refuse": "非拒答"}
    sizes_zh = "，".join(f"{zh.get(k, k)} {v} 题" for k, v in sorted(counts.items()))
    return Evidence(
        key="assess.banks", status="present", source=f"bank of assessment run {run.id}", value=value,
        summary=f"banks of run {run.id}: {sizes}; generated-content bank covers {covered}/31 risks",
        summary_zh=f"评估 {run.id} 所用题库：{sizes_zh}；生成内容题库覆盖 {covered}/31 种风险",
    )


# -- learned detectors (TC260-003 clause 8.2) ----------------------------------------------------
def _model_dir(ref: str) -> Path | None:
    from genguard.detect.classifier.model_io import MODEL_FILE, shipped_models_dir

    p = Path(ref)
    if (p / MODEL_FILE).is_file():
        return p
    cand = shipped_models_dir() / ref
    return cand if (cand / MODEL_FILE).is_file() else None


def _card(detector: str, ref: str) -> dict[str, Any]:
    d = _model_dir(ref)
    if d is None:
        return {"name": ref, "detector": detector, "card": "missing: model directory not found"}
    header = json.loads((d / "model.json").read_text("utf-8"))
    card_path = d / "card.json"
    if not card_path.is_file():
        return {"name": header.get("name", ref), "detector": detector, "labels": header.get("labels", []),
                "label_codes": header.get("label_codes", {}), "card": "missing: no card.json next to the model"}
    card = json.loads(card_path.read_text("utf-8"))
    metrics = card.get("metrics", {})
    key = "at_recommended" if "at_recommended" in metrics else next(iter(metrics), None)
    m = metrics.get(key, {}) if key else {}
    return {
        "name": card.get("name", ref), "detector": detector, "trained_at": card.get("trained_at"),
        "code_version": card.get("code_version"), "labels": card.get("labels", []),
        "negative_label": card.get("negative_label"), "label_codes": card.get("label_codes", {}),
        "rows": (card.get("data") or {}).get("rows", {}), "provenance": (card.get("data") or {}).get("provenance", []),
        "metrics_at": key, "metrics": {k: m.get(k) for k in ("n", "threshold", "precision", "recall", "f1", "fpr", "auprc")},
        "weights_sha256": header.get("weights_sha256"), "card": str(d / "MODEL_CARD.md") if (d / "MODEL_CARD.md").is_file() else "",
    }


@collector("classifier.models")
def classifier_models(ctx: EvidenceContext) -> Evidence:
    """Model cards of the learned detectors the policy runs, and the risk codes they can report."""
    from genguard.policy import load_policy
    from genguard.taxonomy import get_taxonomy

    pol = load_policy(ctx.policy_path)
    refs: list[tuple[str, str]] = []
    for spec in pol.detectors:
        if not spec.enabled or spec.type not in ("classifier", "injection"):
            continue
        cfg = spec.config or {}
        names = (list(cfg.get("models") or []) + ([cfg["model"]] if cfg.get("model") else [])
                 + ([cfg["document_model"]] if cfg.get("document_model") else []))
        refs += [(spec.instance_name, str(n)) for n in names]
    if not refs:
        return Evidence.missing("classifier.models", "the policy runs no learned (classifier) detector", "策略未启用分类模型检测器")
    tax = get_taxonomy()
    models = [_card(det, ref) for det, ref in refs]
    codes = sorted({c for m in models for c in m.get("label_codes", {}).values() if tax.has(c)})
    # a label named after a whole class (the intent model's "A1".."A4") is trained on that class as a whole
    classes = sorted({lab for m in models for lab in m.get("label_codes", {}) if lab in {c.code for c in tax.classes}})
    no_card = [m["name"] for m in models if str(m.get("card", "")).startswith("missing")]
    a_codes = [c for c in codes if c.startswith("A")]
    extra = f"; no model card for {', '.join(no_card)}" if no_card else ""
    extra_zh = f"；{'、'.join(no_card)} 缺少模型卡" if no_card else ""
    return Evidence(
        key="classifier.models", status="present", source="policy detectors + model cards (card.json)",
        value={"models": models, "covered_codes": codes, "covered_classes": classes},
        summary=(f"{len(models)} learned models ({', '.join(m['name'] for m in models)}) report {len(a_codes)} "
                 f"Appendix A codes exactly and classes {', '.join(classes) or '-'} as a whole{extra}"),
        summary_zh=(f"{len(models)} 个分类模型（{'、'.join(m['name'] for m in models)}）可精确识别 {len(a_codes)} 个附录A风险，"
                    f"整体识别类别 {'、'.join(classes) or '无'}{extra_zh}"),
    )


# -- content labelling (GB 45438) ----------------------------------------------------------------
@collector("label.config")
def label_config(ctx: EvidenceContext) -> Evidence:
    """Explicit-label settings of the policy, implicit-label formats, signing key and output registry."""
    from genguard.label.implicit import formats_table
    from genguard.label.keys import default_public_key, key_id
    from genguard.policy import load_policy

    pol = load_policy(ctx.policy_path)
    spec = pol.label
    pub = default_public_key()
    value: dict[str, Any] = {
        "explicit": spec.explicit, "position": spec.position, "text_zh": spec.text_zh, "text_en": spec.text_en,
        "implicit_on_answers": bool(getattr(spec, "implicit", False)), "registry_on_answers": bool(getattr(spec, "registry", False)),
        "producer": getattr(spec, "producer", ""),
        "implicit_formats": [name for name, _ext, _desc in formats_table()],
        "signing_key": key_id(pub) if pub is not None else None,
        "registry": None,
    }
    if ctx.store is not None:
        from sqlalchemy import func, select

        from genguard.label.models import RegistryOutput

        with ctx.store.session() as s:
            n, last = s.execute(select(func.count(), func.max(RegistryOutput.created_at))).one()
        value["registry"] = {"outputs": int(n), "last_recorded": _iso(last)}
    reg = value["registry"]
    reg_en = f"output registry {reg['outputs']} records" if reg else "output registry not checked (no database)"
    reg_zh = f"输出登记 {reg['outputs']} 条" if reg else "未检查输出登记（无数据库）"
    key_en = f"signing key {value['signing_key']}" if pub is not None else "no label signing key"
    key_zh = f"签名密钥 {value['signing_key']}" if pub is not None else "无标识签名密钥"
    return Evidence(
        key="label.config", status="present", source=f"policy label section; genguard.label ({pol.name}@{pol.version})",
        value=value,
        summary=(f"explicit labels {'on (' + spec.position + ')' if spec.explicit else 'off'}; AIGC object on API answers "
                 f"{'on' if value['implicit_on_answers'] else 'off'}; answers recorded in the registry "
                 f"{'on' if value['registry_on_answers'] else 'off'}; implicit AIGC metadata for "
                 f"{len(value['implicit_formats'])} file formats; {key_en}; {reg_en}"),
        summary_zh=(f"显式标识{'开启（位置 ' + spec.position + '）' if spec.explicit else '关闭'}；API 回答附带 AIGC 隐式标识"
                    f"{'开启' if value['implicit_on_answers'] else '关闭'}；回答登记{'开启' if value['registry_on_answers'] else '关闭'}；"
                    f"隐式标识（AIGC 元数据）支持 {len(value['implicit_formats'])} 种文件格式；{key_zh}；{reg_zh}"),
    )


# -- gateway audit log and retention -------------------------------------------------------------
def _gateway_store(ctx: EvidenceContext, url: str | None) -> tuple[Store | None, bool]:
    """The database the gateway writes its audit rows to: the one its config names, else the pack's.

    Reading the pack's ``--db`` when the gateway logs elsewhere would report "no checked request"
    for a gateway that has logged plenty. The second value says whether the store was opened here."""
    if not url or (ctx.store is not None and url == ctx.store.url):
        return ctx.store, False
    from genguard.store import open_store

    return open_store(url), True


@collector("gateway.audit")
def gateway_audit(ctx: EvidenceContext) -> Evidence:
    """Audit-log and retention settings of the gateway and what its audit table holds."""
    from genguard.gateway.config import load_config

    cfg = load_config(ctx.gateway_config)
    settings = {
        "config": ctx.gateway_config or "defaults (no gateway config given)",
        "audit_enabled": cfg.audit.enabled, "retention_mode": cfg.retention.mode,
        "text_days": cfg.retention.text_days, "audit_days": cfg.retention.audit_days,
        "require_key": cfg.auth.require_key,
    }
    store, own = _gateway_store(ctx, cfg.database_url)
    if store is None:
        return Evidence.missing("gateway.audit", NO_DB_EN, NO_DB_ZH)
    from sqlalchemy import func, select

    from genguard.gateway.models import ApiKey, AuditRecord

    try:
        with store.session() as s:
            n, first, last = s.execute(select(func.count(), func.min(AuditRecord.at), func.max(AuditRecord.at))).one()
            actions = dict(s.execute(select(AuditRecord.action, func.count()).group_by(AuditRecord.action)).all())
            keys = dict(s.execute(select(ApiKey.status, func.count()).group_by(ApiKey.status)).all())
    finally:
        if own:
            store.dispose()
    settings["database"] = store.safe_url
    if not n and ctx.gateway_config is None:
        return Evidence.missing("gateway.audit", "no gateway audit records and no gateway config given",
                                "没有网关审计记录，也未提供网关配置")
    keep = "kept until deleted" if settings["audit_days"] is None else f"kept {settings['audit_days']:g} days"
    keep_zh = "保留至手动删除" if settings["audit_days"] is None else f"保留 {settings['audit_days']:g} 天"
    value = {**settings, "records": int(n), "first": _iso(first), "last": _iso(last),
             "actions": {str(k): int(v) for k, v in actions.items()}, "keys": {str(k): int(v) for k, v in keys.items()}}
    return Evidence(
        key="gateway.audit", status="present", value=value,
        source=f"gateway audit table in {settings['database']}; config {settings['config']}",
        summary=(f"audit log {'on' if cfg.audit.enabled else 'OFF'}, {int(n)} records ({_iso(first) or '-'} .. "
                 f"{_iso(last) or '-'}); rows {keep}, texts {cfg.retention.mode} for {cfg.retention.text_days:g} days"),
        summary_zh=(f"审计日志{'开启' if cfg.audit.enabled else '关闭'}，共 {int(n)} 条（{_iso(first) or '-'} 至 "
                    f"{_iso(last) or '-'}）；记录{keep_zh}，原文保存方式 {cfg.retention.mode}，{cfg.retention.text_days:g} 天"),
    )
