"""`genguard serve` as a real process: config file, JSON logs, graceful shutdown keeps audit rows."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from gw_testdata import HARMFUL
from sqlalchemy import func, select

from genguard.gateway.models import AuditRecord
from genguard.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_LOGS: dict[int, tuple[threading.Thread, list[str]]] = {}


def _stop(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """SIGTERM the server (if still running), wait for it and return everything it logged."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=timeout)
    drain, lines = _LOGS.pop(proc.pid)
    drain.join(timeout=timeout)
    return "".join(lines)


def _start_serve(cfg: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """Start `genguard serve` on a free loopback port and wait until /readyz says ready."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "genguard.cli.app", "serve", "--config", str(cfg), "--port", str(port), *extra],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    # read the server's log as it comes: a full pipe would block the workers' logging (and with
    # it every request) in the tests that send hundreds of requests
    lines: list[str] = []
    drain = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
    drain.start()
    _LOGS[proc.pid] = (drain, lines)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # start-up imports and compiles the policy; slow on a loaded machine
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"genguard serve did not become ready: {_stop(proc)}")
        time.sleep(0.1)


def test_serve_process_end_to_end(tmp_path: Path, policy_file: Path) -> None:
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(
        f"database_url: {db}\n"
        "tiers:\n  standard:\n    policy: policy.yaml\n"
        "keys:\n  - {id: app, key: gg-app-key}\n"
        "audit: {flush_interval_s: 30, batch_size: 10000}\n",
        encoding="utf-8",
    )
    (tmp_path / "policy.yaml").write_text(policy_file.read_text("utf-8"), encoding="utf-8")
    proc, base = _start_serve(cfg)
    try:
        h = {"authorization": "Bearer gg-app-key"}
        for _ in range(5):
            r = httpx.post(base + "/v1/moderations", json={"input": HARMFUL}, headers=h, timeout=5)
            assert r.json()["results"][0]["flagged"] is True
        r = httpx.post(base + "/v1/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                       headers=h, timeout=5)
        assert r.status_code == 503 and "no upstream configured" in r.json()["error"]["message"]
    finally:
        err = _stop(proc)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal (exit status -15)
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err
    logs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert logs and all({"ts", "level", "logger", "msg"} <= set(entry) for entry in logs)
    store = open_store(db)
    with store.session() as s:  # written on shutdown although the flush interval (30 s) never passed
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == 5


def test_serve_workers_share_port_audit_and_metrics(tmp_path: Path, policy_file: Path) -> None:
    """--workers 2: both processes answer on one port, every decision reaches the one audit log,
    /metrics on any worker sums over both, and shutdown flushes both audit writers."""
    db = f"sqlite:///{tmp_path / 'workers.db'}"
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(
        f"database_url: {db}\ntiers:\n  standard:\n    policy: policy.yaml\n"
        "keys:\n  - {id: app, key: gg-app-key}\naudit: {flush_interval_s: 30, batch_size: 10000}\n",
        encoding="utf-8",
    )
    (tmp_path / "policy.yaml").write_text(policy_file.read_text("utf-8"), encoding="utf-8")
    proc, base = _start_serve(cfg, "--workers", "2")
    h = {"authorization": "Bearer gg-app-key"}
    try:
        def moderate(_: int) -> tuple[int, int]:
            with httpx.Client(timeout=30) as c:  # a new connection each: the workers compete to accept it
                pid = c.get(base + "/readyz").json()["checks"]["worker_pid"]
                r = c.post(base + "/v1/moderations", json={"input": HARMFUL}, headers=h)
                assert r.json()["results"][0]["flagged"] is True
                return pid, r.status_code

        # /readyz answers as soon as the first worker is up: send rounds of concurrent requests
        # until both workers have served some (bounded), counting every request sent
        seen: list[tuple[int, int]] = []
        with ThreadPoolExecutor(8) as pool:
            while len({pid for pid, _ in seen}) < 2 and len(seen) < 400:
                seen += pool.map(moderate, range(16))
        n = len(seen)
        assert {status for _, status in seen} == {200}
        pids = {pid for pid, _ in seen}
        assert len(pids) == 2 and proc.pid not in pids, pids
        for _ in range(4):  # whichever worker answers, the counters are the sum over both
            text = httpx.get(base + "/metrics", timeout=5).text
            assert f'genguard_requests_total{{route="moderations",status="200"}} {float(n)}' in text, text
            assert "# TYPE genguard_incidents_open gauge" in text  # other modules' collectors too
    finally:
        err = _stop(proc)
    assert proc.returncode in (0, -signal.SIGTERM), err
    with open_store(db).session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == n


def _worker_of_each(base: str, n: int) -> list[int]:
    """Open ``n`` connections at once (as a load generator or a connection pool does), then ask
    on each which worker process accepted it."""
    host, port = base.removeprefix("http://").split(":")
    conns = [socket.create_connection((host, int(port)), timeout=30) for _ in range(n)]
    pids = []
    try:
        for c in conns:
            c.sendall(f"GET /readyz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        for c in conns:
            data = b""
            while chunk := c.recv(65536):
                data += chunk
            pids.append(json.loads(data.split(b"\r\n\r\n", 1)[1])["checks"]["worker_pid"])
    finally:
        for c in conns:
            c.close()
    return pids


def _two_workers(tmp_path: Path, policy_file: Path) -> tuple[subprocess.Popen[str], str, set[int]]:
    """`serve --workers 2` on the test policy, once both workers answer (/readyz answers as
    soon as the first is up): the process, its URL and the two worker pids."""
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(f"database_url: sqlite:///{tmp_path / 'two.db'}\ntiers:\n  standard:\n    policy: policy.yaml\n",
                   encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(policy_file.read_text("utf-8"), encoding="utf-8")
    proc, base = _start_serve(cfg, "--workers", "2")
    deadline = time.monotonic() + 90
    try:
        while len(pids := set(_worker_of_each(base, 8))) < 2:
            assert time.monotonic() < deadline, "the second worker never answered"
    except BaseException:
        _stop(proc)
        raise
    return proc, base, pids


def test_serve_workers_spread_simultaneous_connections(tmp_path: Path, policy_file: Path) -> None:
    """32 connections opened together are spread over both workers (each worker has its own
    SO_REUSEPORT socket); with one shared socket the first worker to wake took all of them."""
    from genguard.gateway.workers import _own_sockets_supported

    assert _own_sockets_supported()  # else serve falls back to one shared socket (a uvicorn upgrade?)
    proc, base, _ = _two_workers(tmp_path, policy_file)
    try:
        pids = _worker_of_each(base, 32)
    finally:
        _stop(proc)
    counts = sorted(pids.count(p) for p in set(pids))
    # hashed by the kernel: a 1-in-400,000 chance that one worker gets fewer than 4 of 32
    assert len(counts) == 2 and counts[0] >= 4, counts


def _wait_dead(pid: int) -> None:
    """Until ``pid`` has exited (gone, or a zombie its parent has not reaped yet)."""
    deadline = time.monotonic() + 30
    status = Path(f"/proc/{pid}/status")
    while time.monotonic() < deadline:
        try:
            if "\nState:\tZ" in status.read_text():
                return
        except OSError:  # reaped
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} did not exit")


def test_serve_workers_replaces_a_dead_worker_on_the_port(tmp_path: Path, policy_file: Path) -> None:
    """A worker killed outright is replaced by the supervisor; the replacement binds its own
    socket on the same port and serves (the other worker serves meanwhile)."""
    proc, base, pids = _two_workers(tmp_path, policy_file)
    try:
        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        # connections that reach the dying worker's own socket in the moment it dies are reset or
        # lost (docs/gateway.md: net.ipv4.tcp_migrate_req); ask only once its socket is closed
        _wait_dead(victim)
        time.sleep(0.5)  # and let the kernel finish closing its socket
        deadline = time.monotonic() + 90
        while True:  # every request is answered: by the survivor, then by the replacement too
            now = set(_worker_of_each(base, 8))
            if len(now) == 2 and victim not in now:
                break
            assert time.monotonic() < deadline, f"no replacement worker: {now}"
            time.sleep(0.2)
        assert now - pids, now  # a new process
    finally:
        _stop(proc)


def test_serve_workers_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(f"database_url: sqlite:///{tmp_path / 'busy.db'}\n", encoding="utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        res = subprocess.run(
            [sys.executable, "-m", "genguard.cli.app", "serve", "--config", str(cfg), "--port", str(port), "--workers", "2"],
            env=env, capture_output=True, text=True, timeout=120,
        )
    assert res.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_serve_rejects_bad_config(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("ladder:\n  steps: [{strikes: 3, action: warn}, {strikes: 1, action: suspend}]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-m", "genguard.cli.app", "serve", "--config", str(cfg)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert "bad.yaml" in res.stderr and "ladder.steps" in res.stderr and "Traceback" not in res.stderr
