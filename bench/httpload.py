"""HTTP benchmarks' two halves: gunicorn serving the bench database, and wrk loading it.

The server is the production one (`gunicorn motcua.wsgi`, sync workers) on loopback. The
client is wrk (Debian's package), a fixed number of connections sending requests back to
back for a fixed time, the requests prepared here and replayed in turn (`wrk/replay.lua`);
wrk reports the latency percentiles and the answers by status. Both run on the same
machine, so the client's own CPU is part of what is measured (as in the figures' notes).
A Python client (threads and http.client) cost 0.35 ms of CPU per request — a tenth of a
tracking lookup — and its threads' turns at the interpreter lock lengthened the latencies
it measured: tracking with 8 clients, p99 ~20 ms with it, 14 ms with wrk.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import common

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = shutil.which("wrk")
SCRIPT = Path(__file__).resolve().parent / "wrk" / "replay.lua"


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


@dataclass
class Replayed:
    """What wrk measured: answers in the run, its length, latency percentiles, answers by
    status and connections that failed."""

    requests: int
    seconds: float
    latency: dict
    statuses: dict[str, int]
    socket_errors: int
    in_window: int = 0  # answers in the CPU window, at the run's rate

    @property
    def per_second(self) -> float:
        return round(self.requests / self.seconds, 1)

    def unexpected(self, expected: set[int]) -> dict:
        found = {k: n for k, n in self.statuses.items() if int(k) not in expected}
        return found | ({"socket_errors": self.socket_errors} if self.socket_errors else {})


def replay(
    srv: Server, clients: int, seconds: float, requests: list[Request], warmup: float = 3.0
) -> tuple[Replayed, common.Window]:
    """``requests`` sent in turn by wrk from ``clients`` connections for ``seconds`` (after
    a warm-up run of ``warmup`` seconds that warms every worker's caches), and the CPU spent
    meanwhile by the server's workers (app), the database (db) and wrk (client): per
    answer, ``cpu.per(replayed.in_window)``."""
    if WRK is None:
        raise SystemExit("Cần wrk (gói Debian `wrk`): apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listed:
        for r in requests:
            body = json.dumps(r.body) if r.body is not None else ""
            listed.write(f"{r.method}\t{r.path}\t{r.token or ''}\t{body}\n")
    try:
        if warmup:
            _wrk(srv, clients, warmup, listed.name)
        return _wrk(srv, clients, seconds, listed.name, metered=True)
    finally:
        os.unlink(listed.name)


# latency_summary's names for wrk's figures (microseconds)
PERCENTILES = [
    ("median_ms", "p50_us"),
    ("p90_ms", "p90_us"),
    ("p99_ms", "p99_us"),
    ("max_ms", "max_us"),
]


def ms(microseconds: int) -> float:
    return round(microseconds / 1000, 2)


def _wrk(srv: Server, clients: int, seconds: float, listed: str, metered: bool = False):
    threads = ["-t", str(min(clients, 2)), "-c", str(clients)]
    run = ["-d", f"{seconds:g}s", "--timeout", "30s", "-s", str(SCRIPT)]
    command = [WRK, *threads, *run, f"http://127.0.0.1:{srv.port}", "--", listed]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    # the CPU window sits inside the run, away from its start and end
    begin = time.time() + 0.5
    end = begin + max(seconds - 1.0, 0.5)
    cpu = common.Window(
        begin, end, app=lambda: common.children(srv.pid), db=common.backends,
        client=lambda: [proc.pid],
    )  # fmt: skip
    cpu.wait()
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"wrk thất bại ({proc.returncode}): {out[-500:]}")
    figures = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("WRK ")))
    duration = figures["duration_us"] / 1e6
    done = Replayed(
        requests=figures["requests"],
        seconds=round(duration, 2),
        latency={"n": figures["requests"], **{k: ms(figures[w]) for k, w in PERCENTILES}},
        statuses=figures["statuses"],
        socket_errors=figures["socket_errors"],
    )
    if metered:
        done.in_window = round(done.requests * (end - begin) / duration)
    return done, cpu
