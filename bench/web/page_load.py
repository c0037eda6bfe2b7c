"""Dashboard page load times with 100,000 audit-log rows.

Fills a fresh database (SQLite by default, or ``--db-url``) with N gateway audit rows spread over
the last 7 days (inserted with one executemany per 10,000 rows), N output-registry fingerprints
(label module), 200 incidents, two assessment runs (the assessment runner against the offline
scripted target), 40 corpus ledger entries, 20 gate decisions and 12 self-assessments;
starts the real gateway app (all module routes, dashboard under /ui) with uvicorn on 127.0.0.1,
and times full HTTP requests (server + transfer) to every page with a staff key.

    python -m bench.web.page_load [--rows 100000] [--repeat 15] [--db-url URL] [--write]

``--write`` puts the results into the "Dashboard" section of BENCHMARKS.md, under a sub-heading
per database backend (a run on one backend leaves the other's numbers alone).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

STAFF = "gg-bench-staff-0123456789abcdef0123456789ab"
ROOT = Path(__file__).resolve().parents[2]
CODES = ["A1.1", "A1.4", "A1.8", "A2.1", "A2.5", "A3.1", "A4.1", "A4.5", "A5.2", "S1", "S2", "S4", "S5"]


def fill_audit(store: Any, rows: int, seed: int = 7) -> float:
    from sqlalchemy import insert

    from genguard.gateway.models import AuditRecord

    rng = random.Random(seed)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for i in range(rows):
            r = rng.random()
            action = "allow" if r < 0.85 else "flag" if r < 0.90 else "redact" if r < 0.94 else "refuse" if r < 0.98 else "block"
            cats = [] if action == "allow" else rng.sample(CODES, rng.choice((1, 1, 2)))
            text = f"bench text {i} " + "x" * rng.randrange(20, 200)
            batch.append({
                "at": now - timedelta(seconds=rng.uniform(0, 7 * 86400)), "request_id": f"req-{i // 2}",
                "key_id": f"k{rng.randrange(50):02d}", "route": rng.choice(("chat", "guard_check", "moderations")),
                "direction": "input" if i % 2 == 0 else "output", "action": action, "categories": cats,
                "scores": {c: round(rng.uniform(0.5, 1), 3) for c in cats}, "latency_ms": rng.uniform(0.2, 5),
                "model": "bench", "status": 200, "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "text_chars": len(text), "detail": {"policy": "default"},
            })
            if len(batch) == 10_000:
                conn.execute(insert(AuditRecord), batch)
                batch = []
        if batch:
            conn.execute(insert(AuditRecord), batch)
    return time.perf_counter() - t0


def fill_registry(store: Any, rows: int, seed: int = 11) -> None:
    """Output-registry fingerprints as the label module records them (bulk path, no texts kept)."""
    from genguard.label.registry import Fingerprint, OutputRegistry

    rng = random.Random(seed)
    now = datetime.now(UTC)
    OutputRegistry(store).record_fingerprints(
        (Fingerprint(hashlib.sha256(str(i).encode()).hexdigest(), rng.getrandbits(64), rng.randrange(50, 2000)),
         "gateway", "bench-model", f"p{i:08d}", now - timedelta(seconds=rng.uniform(0, 7 * 86400)), {})
        for i in range(rows))


def fill_modules(store: Any) -> dict[str, Any]:
    """A realistic amount of the other modules' data, produced by their own APIs."""
    from genguard.assess.bank import load_bank, starter_bank_dir
    from genguard.assess.judges import build_judges
    from genguard.assess.runner import Runner, create_run
    from genguard.assess.targets.base import TargetConfig
    from genguard.assess.targets.scripted import ScriptedTarget
    from genguard.corpus.ledger import SourceLedger
    from genguard.incidents import registry
    from genguard.incidents.schema import NewRecord

    refs = []
    for i in range(200):
        kind = ("complaint", "incident", "vulnerability")[i % 3]
        rec = registry.create(store, NewRecord.model_validate({
            "kind": kind, "title": f"bench record {i}", "severity": ("low", "moderate", "important", "critical")[i % 4],
            **({"category": "jailbreak"} if kind == "vulnerability" else {})}), actor="bench")
        refs.append(rec.ref)
    items = [it for f in sorted(starter_bank_dir().glob("*.yaml")) for it in load_bank(f)]
    runs = []
    for n in range(2):
        async def go(n: int = n) -> str:
            target = ScriptedTarget(TargetConfig(type="scripted", name="scripted"))
            rid = await create_run(store, items, seed=n, config={"target": target.config.public()}, name=f"bench run {n}")
            await Runner(store, target, build_judges("refusal,harm"), concurrency=8, progress=False).execute(rid)
            return rid
        runs.append(asyncio.run(go()))
    from datetime import date

    from genguard.govern.gates import GateConfig, evaluate_gates
    from genguard.govern.metrics import DictMetricsSource
    from genguard.govern.records import record_gate, record_self_assessment
    from genguard.govern.selfassess import SelfAssessmentInput, practices, score

    cfg = GateConfig.model_validate({"gates": [
        {"id": f"g{i}", "zh": f"门控 {i}", "en": f"gate {i}", "metric": {"name": "attack_success_rate"},
         "thresholds": {"low": 0.05, "medium": 0.1, "high": 0.3}} for i in range(6)]})
    for i in range(20):
        record_gate(store, evaluate_gates(cfg, DictMetricsSource({("attack_success_rate", "*"): (0.02 * i, runs[0])})),
                    signed_off_by="bench")
    ids = [it.id for p in practices() for it in p.items]
    for m in range(12):
        record_self_assessment(store, score(SelfAssessmentInput.model_validate(
            {"date": date(2026, m + 1, 1), "assessor": "bench", "scores": {i: {"score": (m + k) % 3} for k, i in enumerate(ids)}})))
    led = SourceLedger(store)
    for i in range(40):
        led.record_audit("bench", {"source": f"source-{i:02d}", "verdict": "blacklist" if i % 10 == 0 else "qualified",
                                   "sampled": 4000, "total": 100_000, "harmful_rate": 0.08 if i % 10 == 0 else 0.004,
                                   "qualified_rate": 0.9 if i % 10 == 0 else 0.99, "reasons": []})
    return {"refs": refs, "runs": runs}


def serve(app: Any) -> tuple[str, Any, threading.Thread]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}", server, th


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--db-url", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--write", action="store_true", help="write the results into BENCHMARKS.md")
    args = ap.parse_args(argv)

    import httpx

    from genguard.gateway.app import create_app
    from genguard.gateway.config import GatewayConfig
    from genguard.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="gg-web-bench-"))
    url = args.db_url or f"sqlite:///{tmp / 'bench.db'}"
    store = open_store(url)
    fill_s = fill_audit(store, args.rows)
    print(f"inserted {args.rows:,} audit rows in {fill_s:.1f} s", file=sys.stderr)
    fill_registry(store, args.rows)
    data = fill_modules(store)
    cfg = GatewayConfig.model_validate({"database_url": url, "keys": [{"id": "staff", "key": STAFF, "roles": ["staff"]}]})
    app = create_app(cfg, store=store, purge_job=False)
    base, server, th = serve(app)
    with store.engine.connect() as conn:
        from sqlalchemy import text as sql

        mid_id = int(conn.execute(sql("select min(id) + (max(id) - min(id)) / 2 from gateway_audit")).scalar() or 1)
    pages = [
        ("overview, 24 h window", "/ui/?window=24h"),
        ("overview, 7 d window (all rows)", "/ui/?window=7d"),
        ("traffic, first page", "/ui/traffic"),
        ("traffic, page in the middle (keyset)", f"/ui/traffic?before={mid_id}"),
        ("traffic, filter key", "/ui/traffic?key=k07"),
        ("traffic, filter category", "/ui/traffic?category=A1.4"),
        ("traffic, filter decision + direction", "/ui/traffic?action=block&direction=output"),
        ("traffic, filter time range", "/ui/traffic?since=2000-01-01T00:00&until=2000-01-02T00:00"),
        ("traffic, one request", f"/ui/traffic/{mid_id}"),
        ("assessments", "/ui/assessments"),
        ("assessment run", f"/ui/assessments/{data['runs'][1]}"),
        ("assessment diff", f"/ui/assessments/diff?a={data['runs'][0]}&b={data['runs'][1]}"),
        ("corpus audits", "/ui/corpus"),
        ("incidents (200)", "/ui/incidents"),
        ("incident", f"/ui/incidents/{data['refs'][0]}"),
        ("governance & labels", "/ui/governance"),
        ("taxonomy and policy (+ answer bank)", "/ui/policy"),
    ]
    results = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {STAFF}"}, timeout=60) as c:
        for name, path in pages:
            t0 = time.perf_counter()
            r = c.get(path)
            first = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                r = c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append((name, path, statistics.median(times), p95, max(times), first))
            print(f"{name:40s} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms", file=sys.stderr)
    server.should_exit = True
    th.join(timeout=10)
    backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(store.dialect, store.dialect)
    load = os.getloadavg()
    worst = max(r[3] for r in results)
    table = ["| page | median | p95 | max | first request |", "|---|---|---|---|---|"]
    table += [f"| {n} (`{p.split('?')[0] if 'run-' in p or 'INC' in p or 'CMP' in p else p}`) | {m:.1f} ms | {q:.1f} ms "
              f"| {x:.1f} ms | {f:.1f} ms |" for n, p, m, q, x, f in results]
    text = (
        f"### {backend}\n\n"
        f"Command: `.venv/bin/python -m bench.web.page_load --rows {args.rows} --repeat {args.repeat}"
        f"{' --db-url <postgres>' if args.db_url else ''} --write` ({args.rows:,} gateway audit rows over 7 days, "
        f"15 % intervened with categories, 50 keys; {args.rows:,} output-registry fingerprints; 200 incidents, "
        f"2 assessment runs of the starter banks, 40 corpus sources, 20 gate decisions, 12 self-assessments). "
        f"Full HTTP round trip with a staff Bearer key against uvicorn on 127.0.0.1, {args.repeat} requests per page "
        f"after one warm-up. Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on a machine with {os.cpu_count()} cores "
        f"shared with other jobs; load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)."
        f"\n\n" + "\n".join(table) +
        f"\n\n\"first request\" is the warm-up request: it includes one-time work (the first overview rolls up "
        f"the closed hours of the last 31 days into `web_traffic_hourly`; the first diff of two finished runs "
        f"reads both runs' results, later ones are kept in memory) and is not part of median/p95/max."
        f"\n\nTarget: every page < 300 ms. Worst p95: {worst:.1f} ms "
        f"({'met' if worst < 300 else 'NOT met'}). Inserting the rows took {fill_s:.1f} s (executemany, 10,000 per batch).\n"
    )
    print(text)
    if args.write:
        bm = ROOT / "BENCHMARKS.md"
        body = bm.read_text(encoding="utf-8")
        section = re.compile(r"(## Dashboard\n\n)(.*?)(?=\n## |\Z)", re.S)
        m = section.search(body)
        if not m:
            raise SystemExit("BENCHMARKS.md has no '## Dashboard' section")
        old = m.group(2)
        parts = {h: f"### {h}\n" + b for h, b in re.findall(r"### (\S+)\n(.*?)(?=### |\Z)", old, re.S)}
        parts[backend] = text
        new = "\n".join(parts[k].rstrip("\n") + "\n" for k in ("SQLite", "PostgreSQL") if k in parts)
        bm.write_text(body[:m.start(2)] + new + body[m.end(2):], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
