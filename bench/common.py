"""What every benchmark shares: the bench database, the demo's work mix, figures, the load.

Benchmarks run against their own PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bench``), never against the one `make run` uses.
Import ``setup()`` first: it points Django at that database before anything else loads.
"""

import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
RESULTS = Path(__file__).parent / "results"


def setup(quiet: bool = False) -> None:
    """Configure Django for the bench database (idempotent; call in every process).

    ``quiet``: send stdout to /dev/null — without MOTCUA_EMAIL_URL and an SMS gateway, the
    applicant's e-mail and SMS after each receipt are printed to the console."""
    if quiet:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the life of the process)
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("MOTCUA_DB_CONN_MAX_AGE", "600")
    if "bench" not in BENCH_URL.rsplit("/", 1)[-1]:
        sys.exit(f"Từ chối chạy: cơ sở dữ liệu «{BENCH_URL}» không phải cơ sở dữ liệu đo (bench).")
    import django

    django.setup()


# Rows every receipt updates: the day's code counter, the monitoring tallies. Without
# vacuum their dead versions pile up and every upsert walks them (measured: 6 ms of database
# CPU per receipt after a vacuum, 20 ms after ~30 000 receipts without one). Our machines'
# PostgreSQL runs with autovacuum off, so each benchmark vacuums them first, as autovacuum
# would between bursts in production.
HOT_TABLES = [
    "dossiers_codesequence", "monitoring_unittally", "monitoring_proceduretally",
    "monitoring_dossierfact", "monitoring_pendingchange", "api_apitoken",
]  # fmt: skip


def vacuum_hot() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in HOT_TABLES:
            cur.execute("SELECT to_regclass(%s)", [table])
            if cur.fetchone()[0]:
                cur.execute(f"VACUUM (ANALYZE) {table}")


# --- realistic applicants ---------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Hữu", "Xuân", "Hải"]
GIVEN = ["An", "Ánh", "Bảo", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
         "Tuấn", "Việt", "Yến"]  # fmt: skip
PLACES = ["Thôn Đông", "Thôn Đoài", "Xóm Trại", "Tổ dân phố 3", "Phố Lê Lợi", "Đường Trần Hưng "
          "Đạo", "Khu phố Bắc Sơn", "Xóm Chùa", "Thôn Thượng", "Phố Vân Giang"]  # fmt: skip


def applicant(rng: random.Random) -> dict:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return {
        "name": name,
        "id_number": f"0{rng.randrange(10**10, 10**11)}",
        "address": f"{rng.choice(PLACES)}, số {rng.randrange(1, 300)}",
        "phone": f"09{rng.randrange(10**7, 10**8)}",
        "email": "" if rng.random() < 0.6 else f"congdan{rng.randrange(10**6)}@example.vn",
    }


# --- the work mix: which procedure each desk receives -----------------------------------------


@dataclass
class Work:
    """One kind of receipt a desk takes: a procedure version and the unit that resolves it."""

    desk_id: int
    version_id: int
    competent_id: int
    documents: list[int] = field(default_factory=list)  # required documents' keys
    orders: list[int] = field(default_factory=list)  # the same, by order (as the API names them)
    procedure: str = ""
    desk_code: str = ""
    competent_code: str = ""
    name_competent: bool = False  # the desk must name the resolving unit (province centre)


def work_mix() -> dict[int, list[Work]]:
    """For each one-stop desk of the loaded demo, the published procedures it can receive:
    those implemented by the unit the desk belongs to (commune desks), or by a provincial
    department or its division (the province centre, which receives for all of them)."""
    from motcua.agencies.models import Unit
    from motcua.catalog.models import ProcedureVersion

    versions = list(
        ProcedureVersion.objects.filter(status="PUBLISHED")
        .select_related("procedure")
        .prefetch_related("implementing_units", "documents")
        .order_by("pk")
    )
    mix: dict[int, list[Work]] = {}
    for desk in Unit.objects.filter(one_stop=True).order_by("path"):
        for v in versions:
            units = list(v.implementing_units.all())
            mine = [u for u in units if desk.path.startswith(u.path)]
            named = not mine
            if not mine and desk.level != "commune":  # the province centre
                mine = [u for u in units if u.level != "commune"]
            if mine:
                docs = [d for d in v.documents.all() if not d.optional]
                mix.setdefault(desk.pk, []).append(
                    Work(desk.pk, v.pk, mine[0].pk, [d.pk for d in docs], [d.order for d in docs],
                         v.procedure.code, desk.code, mine[0].code, named)
                )  # fmt: skip
    return mix


def receivers() -> dict[int, int]:
    """desk id → the user id of a RECEIVER there (the demo has one per desk)."""
    from motcua.agencies.models import RoleAssignment

    found = {}
    for ra in RoleAssignment.objects.filter(role="RECEIVER", unit__one_stop=True).select_related(
        "official"
    ):
        found.setdefault(ra.unit_id, ra.official.user_id)
    return found


# --- figures ----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank; values in any order."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def latency_summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2) if ms else None,
        "p90_ms": round(pct(ms, 90), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else None,
    }


def machine() -> dict:
    """What else was running: load averages and core count, noted beside every figure."""
    one, five, _ = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "load_1m": round(one, 2),
        "load_5m": round(five, 2),
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def report(name: str, figures: dict) -> dict:
    """Print the figures and append them to ``bench/results/<name>.jsonl``."""
    row = {"bench": name, **figures, "machine": machine()}
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / f"{name}.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps(row, ensure_ascii=False, indent=2))
    return row


class Clock:
    """Wall time of a section, in seconds."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


# --- CPU time: what each operation costs, whatever else the machine is doing ---------------

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User + system CPU time of processes (read from /proc; gone processes count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot, all cores (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def backends() -> list[int]:
    """The PostgreSQL server processes serving the bench database now."""
    import psycopg

    name = BENCH_URL.rsplit("/", 1)[-1]
    with psycopg.connect(BENCH_URL) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [pid for (pid,) in rows]


class Window:
    """CPU seconds spent by some processes between two moments (timers, so the measuring
    threads of a benchmark need not stop): ``Window(begin, end, db=lambda: [pids])``; a
    source None is this process. The whole machine's busy time is metered too, so that what
    other programs took during the run is known (``others_cores``)."""

    def __init__(self, begin: float, end: float, **sources):
        import threading

        self.spent = dict.fromkeys(sources, 0.0)
        self.sources = sources
        self.busy, self.seconds = 0.0, end - begin

        def meter(sign: int) -> None:
            self.busy += sign * busy_seconds()
            for name, pids in self.sources.items():
                got = time.process_time() if pids is None else cpu_seconds(pids())
                self.spent[name] += sign * got

        self.timers = [
            threading.Timer(max(0.0, moment - time.time()), meter, [sign])
            for moment, sign in ((begin, -1), (end, +1))
        ]
        for t in self.timers:
            t.start()

    def wait(self) -> None:
        """Until the window has closed (a client keeps its connection open till then)."""
        for t in self.timers:
            t.join()

    def per(self, n: int) -> dict:
        """Milliseconds of CPU per operation, by source."""
        self.wait()
        return {k: round(v * 1000 / max(n, 1), 2) for k, v in self.spent.items()}

    def others_cores(self) -> float:
        """Cores' worth of CPU that other programs used during the window."""
        for t in self.timers:
            t.join()
        return round(max(0.0, self.busy - sum(self.spent.values())) / self.seconds, 2)


class RollUp:
    """Monitoring's roll-up running beside a write benchmark, as production runs it (the
    Celery task or ``rollup-monitoring --loop``): receipts only note that a dossier changed,
    and this process turns the notes into facts and tallies every ``every`` seconds. Its CPU
    (``cpu_seconds``) belongs to the receipts' cost; what it leaves pending at the end is
    reported too. ``every=0``: no roll-up (the notes pile up; diagnosis only)."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.proc = None

    def __enter__(self) -> "RollUp":
        import subprocess

        if self.every:
            env = {**os.environ, "DATABASE_URL": BENCH_URL}
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "motcua", "rollup_monitoring", "--loop", str(self.every)],
                env=env, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        return self

    def cpu_seconds(self) -> float:
        return cpu_seconds([self.proc.pid]) if self.proc else 0.0

    def __exit__(self, *exc) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    @staticmethod
    def pending() -> int:
        from motcua.monitoring.models import PendingChange

        return PendingChange.objects.count()
