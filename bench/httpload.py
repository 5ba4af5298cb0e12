"""HTTP benchmarks' two halves: gunicorn serving the bench database, and a bounded client.

The server is the production one (`gunicorn motcua.wsgi`, sync workers) on loopback. The
client is a fixed number of threads, each with its own connection, sending requests back to
back for a fixed time; every request's latency and status is kept. Both run on the same
machine, so the client's own CPU is part of what is measured (as in the figures' notes).
"""

import http.client
import json
import os
import random
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import common

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    pid: int


@contextmanager
def server(workers: int, port: int | None = None):
    """gunicorn on 127.0.0.1 with ``workers`` sync workers; yields its port and pid."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": common.BENCH_URL,
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
        "MOTCUA_DB_CONN_MAX_AGE": "600",
        # every simulated citizen comes from the loopback address: counted as one client,
        # the tracking bench's wrong numbers would soon lock them all out
        "MOTCUA_TRACKING_MISSES": "1000000000",
    }
    command = [str(GUNICORN), "motcua.wsgi", "-w", str(workers), "--bind", f"127.0.0.1:{port}",
               "--backlog", "256", "--timeout", "60"]  # fmt: skip
    with open(os.devnull, "w") as quiet:  # receipts print each applicant's e-mail and SMS
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=quiet, stderr=quiet)
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/units")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("gunicorn không khởi động được.") from None
                time.sleep(0.3)
        yield Server(port, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def tokens(usernames: list[str]) -> dict[str, str]:
    """A fresh API token per official (named «bench»), as `create-api-token` would issue."""
    from django.contrib.auth import get_user_model

    from motcua.api.models import ApiToken

    users = get_user_model().objects.filter(username__in=usernames)
    return {u.username: ApiToken.issue(u, "bench")[1] for u in users}


@dataclass
class Request:
    method: str
    path: str
    body: dict | None = None
    token: str | None = None
    tag: str = ""


@dataclass
class Result:
    seconds: float
    status: int
    tag: str
    error: str = ""


def load(
    srv: Server,
    clients: int,
    seconds: float,
    make: Callable[[int, random.Random], Request],
    warmup: float = 2.0,
) -> tuple[list[Result], float, common.Window]:
    """``clients`` threads sending ``make(client, rng)`` back to back; results after the
    warm-up, the measured wall time, and the CPU spent in that window by the server's
    workers (app), the database (db) and this client process (client)."""
    port = srv.port
    results: list[list[Result]] = [[] for _ in range(clients)]
    begin = time.time() + warmup
    end = begin + seconds
    gate = threading.Barrier(clients)
    cpu = common.Window(
        begin, end, app=lambda: common.children(srv.pid), db=common.backends, client=None
    )

    def client(i: int) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        gate.wait()
        while (now := time.time()) < end:
            req = make(i, rng)
            headers = {"Content-Type": "application/json"}
            if req.token:
                headers["Authorization"] = f"Bearer {req.token}"
            body = json.dumps(req.body).encode() if req.body is not None else None
            t0 = time.perf_counter()
            try:
                conn.request(req.method, req.path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                error = payload[:300].decode(errors="replace") if status >= 400 else ""
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, error = 0, repr(exc)
            took = time.perf_counter() - t0
            if now >= begin:
                results[i].append(Result(took, status, req.tag, error))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs], seconds, cpu


def errors(results: list[Result], expected: set[int]) -> dict:
    """Counts of unexpected statuses, with one sample answer each."""
    found: dict[int, dict] = {}
    for r in results:
        if r.status not in expected:
            entry = found.setdefault(r.status, {"count": 0, "sample": r.error})
            entry["count"] += 1
    return {str(k): v for k, v in found.items()}
