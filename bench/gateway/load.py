"""Gateway load benchmark: added latency (p50/p99) of the guard vs the upstream stub called
directly, and sustained requests/s, for non-streaming chat completions with 1 KB prompts.
Every request's prompt is different (a ticket number in front, unique across the runs), so no
cache on the path can answer a request from an earlier one.

Everything runs on loopback: the stub upstream and `genguard serve` as separate processes, and
wrk (installed with apt-get if missing) as the load generator.

    /work/main/.venv/bin/python -m bench.gateway.load [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KEY = "gg-bench-key-0123456789abcdefghijklmnopqrstuvwxyz"
# a benign ~1 KB prompt (mixed zh/en, as real traffic is)
PROMPT = ("Please summarise the following notes about our community garden and suggest three improvements. "
          "社区花园的笔记：春天种植番茄和黄瓜，夏天需要每天浇水。 ") * 7
TICKET = "Ticket {n}: "  # {n} = an 8-digit request number, so every request's prompt differs
PROMPT = TICKET + PROMPT.encode()[: 1024 - len(TICKET.format(n="00000000"))].decode("utf-8", "ignore")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk not found; installing it with apt-get", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is not installed and apt-get could not install it (try: apt-get update && apt-get install -y wrk)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited early with status {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start within 60 s")


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
local head, tail = [[%s]], [[%s]]  -- one user message (JSON), split where its number goes
local n = %d
local turns = %d
local answer = [[{"role": "assistant", "content": "Noted, thank you."}]]
-- every user message carries a different prompt (a ticket number in front), so nothing on the
-- path (a decision cache, the answer bank's exact match) can answer from another message; with
-- turns > 1 each request resends its conversation's earlier user messages, as chat clients do
request = function()
  n = n + 1
  local conv, turn = math.floor(n / turns), n %% turns
  local parts = {}
  for t = 0, turn do
    if t > 0 then parts[#parts + 1] = answer end
    parts[#parts + 1] = head .. string.format("%%08d", conv * turns + t) .. tail
  end
  return wrk.format(nil, nil, nil, '{"model": "stub", "messages": [' .. table.concat(parts, ", ") .. ']}')
end
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"p50\\":%%f,\\"p99\\":%%f,\\"mean\\":%%f,\\"requests\\":%%d,\\"errors\\":%%d,\\"non2xx\\":%%d,\\"duration_us\\":%%d}\\n",
    latency:percentile(50), latency:percentile(99), latency.mean, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration))
end
"""


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process and its live children (``serve --workers`` runs the
    workers as children), from /proc, to report cost per request independent of whatever else
    the machine runs."""
    total = 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            f = _stat(int(d.name))
        except OSError:  # exited meanwhile
            continue
        if int(d.name) == pid or int(f[1]) == pid:  # f[1] = parent pid
            total += int(f[11]) + int(f[12])
    return total / os.sysconf("SC_CLK_TCK")


_RUNS: list[str] = []


def run_wrk(wrk: str, url: str, message: str, *, threads: int, connections: int, duration: int, tmp: Path,
            turns: int = 1) -> dict[str, float]:
    script = tmp / f"post_{connections}.lua"
    head, tail = message.split("{n}", 1)
    _RUNS.append(url)  # each run numbers its prompts from its own block: unique across runs too
    script.write_text(LUA % (KEY, head, tail, len(_RUNS) * 10_000_000, turns), encoding="utf-8")
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url],
        check=True, capture_output=True, text=True,
    ).stdout
    m = re.search(r"JSON(\{.*\})", out)
    if not m:
        sys.exit(f"could not parse wrk output:\n{out}")
    res = json.loads(m.group(1))
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=32, help="concurrent connections for the throughput run")
    ap.add_argument("--retention", default="full", choices=["full", "hashed_only"])
    ap.add_argument("--client", default="aiohttp", choices=["httpx", "aiohttp"], help="gateway's upstream HTTP client")
    ap.add_argument("--priority", type=int, default=0,
                    help="nice value for stub, gateway and wrk (negative needs root): measures the gateway rather "
                         "than whatever else shares the machine")
    ap.add_argument("--policy", default=None, help="policy YAML for the gateway (default: the shipped default policy)")
    ap.add_argument("--workers", type=int, default=1, help="gateway worker processes (genguard serve --workers)")
    ap.add_argument("--turns", type=int, default=1,
                    help="user messages per conversation: request k of a conversation resends the k-1 earlier ones "
                         "(with answers between), as chat clients do; 1 = single-message requests")
    ap.add_argument("--extra-config", default="", help="YAML lines appended to the gateway config (experiments)")
    args = ap.parse_args()
    if args.priority:
        os.nice(args.priority)  # inherited by every process started below
    wrk = ensure_wrk()
    load_avg = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="gg-bench-"))
    stub_port = free_port()
    gw_port = free_port()
    while gw_port == stub_port:  # the OS may hand out the port it just freed: the gateway would not bind
        gw_port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT), "GENGUARD_HOME": str(tmp)}
    cfg = tmp / "gateway.yaml"
    cfg.write_text(
        f"database_url: sqlite:///{tmp / 'bench.db'}\n"
        f"upstreams:\n  stub:\n    base_url: http://127.0.0.1:{stub_port}/v1\n    client: {args.client}\n"
        "tiers:\n  standard:\n    rate_limit: {rate: 1000000, burst: 1000000}\n"
        + (f"    policy: {Path(args.policy).resolve()}\n" if args.policy else "")
        + f"keys:\n  - {{id: bench, key: {KEY}}}\n"
        f"retention: {{mode: {args.retention}}}\n" + args.extra_config.replace("\\n", "\n") + "\n",
        encoding="utf-8",
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        stub = subprocess.Popen([sys.executable, "-m", "bench.gateway.stub", "--port", str(stub_port)], env=env, cwd=ROOT)
        procs.append(stub)
        wait_ready(f"http://127.0.0.1:{stub_port}/", stub, "stub upstream")
        gw = subprocess.Popen(
            [sys.executable, "-m", "genguard.cli.app", "serve", "--config", str(cfg), "--port", str(gw_port),
             "--log-level", "warning", "--workers", str(args.workers)],
            env=env, cwd=ROOT,
        )
        procs.append(gw)
        wait_ready(f"http://127.0.0.1:{gw_port}/healthz", gw, "genguard serve")
        message = json.dumps({"role": "user", "content": PROMPT}, ensure_ascii=False)
        body = '{"model": "stub", "messages": [' + message + "]}"
        direct = f"http://127.0.0.1:{stub_port}/v1/chat/completions"
        guarded = f"http://127.0.0.1:{gw_port}/v1/chat/completions"
        r = httpx.post(guarded, content=body.encode(), headers={"authorization": f"Bearer {KEY}",
                                                                 "content-type": "application/json"}, timeout=10)
        r.raise_for_status()
        assert r.json()["genguard"]["input"]["action"] == "allow", r.json()
        # warm up both paths
        run_wrk(wrk, guarded, message, threads=1, connections=4, duration=2, tmp=tmp, turns=args.turns)
        lat_direct = run_wrk(wrk, direct, message, threads=1, connections=1, duration=args.duration, tmp=tmp, turns=args.turns)
        lat_guard = run_wrk(wrk, guarded, message, threads=1, connections=1, duration=args.duration, tmp=tmp, turns=args.turns)
        cpu0 = cpu_seconds(gw.pid)
        thr = run_wrk(wrk, guarded, message, threads=1, connections=args.connections, duration=args.duration, tmp=tmp, turns=args.turns)
        gw_cpu_ms = (cpu_seconds(gw.pid) - cpu0) * 1000 / max(1, thr["requests"])
        thr_direct = run_wrk(wrk, direct, message, threads=1, connections=args.connections, duration=args.duration, tmp=tmp, turns=args.turns)
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    from sqlalchemy import create_engine, text

    eng = create_engine(f"sqlite:///{tmp / 'bench.db'}")
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM gateway_audit")).scalar()
    ms = 1 / 1000
    result = {
        "prompt_bytes": len(PROMPT.format(n="00000000").encode()),
        "cores": os.cpu_count(),
        "direct_p50_ms": lat_direct["p50"] * ms, "direct_p99_ms": lat_direct["p99"] * ms,
        "gateway_p50_ms": lat_guard["p50"] * ms, "gateway_p99_ms": lat_guard["p99"] * ms,
        "added_p50_ms": (lat_guard["p50"] - lat_direct["p50"]) * ms,
        "added_p99_ms": (lat_guard["p99"] - lat_direct["p99"]) * ms,
        "gateway_rps": thr["rps"], "gateway_rps_p99_ms": thr["p99"] * ms, "direct_rps": thr_direct["rps"],
        "gateway_cpu_ms_per_request": gw_cpu_ms, "gateway_capacity_rps_per_core": 1000 / gw_cpu_ms,
        # cores the gateway kept busy during the throughput run: with --workers N well under N
        # means connections were not spread over the workers
        "gateway_cores_busy": thr["rps"] * gw_cpu_ms / 1000,
        "load_average_at_start": load_avg,
        "errors": thr["errors"] + thr["non2xx"] + lat_guard["errors"] + lat_guard["non2xx"],
        "audit_rows": rows,
        "policy": args.policy or "default", "connections": args.connections, "duration_s": args.duration, "retention": args.retention, "client": args.client, "priority": args.priority, "workers": args.workers, "turns": args.turns,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
