"""Where a monitoring page's time goes: per part (ranking, statistics, trend, worst
procedures, edge days…), wall time, SQL time and Python CPU time; optionally a cProfile
(``time.process_time``) and the statements with their times.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_monitoring \\
        python -m bench.monitoring.profile_page --scope tỉnh --period "12 tháng" [--api]

Warm requests only (one request first to fill the catalog cache); the parts are timed by
wrapping the monitoring functions in place, so nested parts are included in their callers.
"""

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_monitoring")

PARTS = [
    ("index", "ranking"),
    ("index", "compute_many"),
    ("index", "late_counts"),
    ("index", "_certified_copies"),
    ("sums", "units_totals"),
    ("sums", "procedures_with"),
    ("sums", "_tally_rows"),
    ("sums", "_edge_rows"),
    ("statistics", "statistics"),
    ("statistics", "late_open_at"),
    ("statistics", "trend"),
    ("statistics", "worst_procedures"),
    ("registry", "snapshot"),
    ("rollup", "catch_up"),
]


class Clock:
    """Wall, SQL and process time per part; time in the garbage collector."""

    def __init__(self) -> None:
        self.gc = [0.0, 0, 0.0]  # seconds, collections, started
        self.by_generation = defaultdict(float)
        gc.callbacks.append(self.collecting)
        self.sql = 0.0
        self.statements: list[tuple[float, str, object]] = []
        self.parts: dict[str, list[tuple[float, float, float]]] = defaultdict(list)

    def collecting(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.gc[2] = time.perf_counter()
        else:
            spent = time.perf_counter() - self.gc[2]
            self.gc[0] += spent
            self.gc[1] += 1
            self.by_generation[info["generation"]] += spent

    def execute(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t
            self.sql += spent
            self.statements.append((spent, sql, params))

    def wrap(self, module, name: str) -> None:
        real = getattr(module, name)
        if getattr(real, "_timed", False):
            return

        def timed(*args, **kwargs):
            wall, sql, cpu = time.perf_counter(), self.sql, time.process_time()
            try:
                result = real(*args, **kwargs)
                if name == "_edge_rows":
                    result = list(result)
                return result
            finally:
                self.parts[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"].append(
                    (
                        time.perf_counter() - wall,
                        self.sql - sql,
                        time.process_time() - cpu,
                    )
                )

        timed._timed = True
        setattr(module, name, timed)


def urls(scope_code: str, period: str, api: bool) -> str:
    from bench.monitoring.benchmark import periods_to_measure

    query = next(q for label, q in periods_to_measure(date.today()) if label.startswith(period))
    if api:
        return f"/api/v1/monitoring/index?unit={scope_code}&{query}"
    return f"/giam-sat/{scope_code}/?{query}"


@contextmanager
def nothing():
    yield


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", choices=["tỉnh", "xã"], default="tỉnh")
    parser.add_argument("--period", default="12 tháng")
    parser.add_argument("--api", action="store_true", help="the index API instead of the page")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--sequential", action="store_true", help="parts one after the other (no ``together``)"
    )
    parser.add_argument("--cprofile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--statements", type=int, default=0, help="print the N slowest")
    parser.add_argument(
        "--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest statements"
    )
    args = parser.parse_args(argv)
    from bench.common import setup

    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from motcua.monitoring import index, registry, rollup, sums
    from motcua.monitoring import statistics as stats_mod

    from .province import structure

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    units, _ = structure()
    if args.scope == "tỉnh":
        code, user = units[0].code, "bench.lanhdao.tinh"
    else:
        code = next(u.code for u in units if u.level == "commune" and u.kind != "service_center")
        user = "bench.lanhdao.xa"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=user))
    url = urls(code, args.period, args.api)
    print(url, "load", os.getloadavg())
    if args.sequential:
        from motcua.monitoring import together

        together.concurrent = lambda n_parts: False
    assert client.get(url).status_code == 200  # cold: catalog, templates
    clock = Clock()
    modules = {"index": index, "sums": sums, "statistics": stats_mod,
               "registry": registry, "rollup": rollup}  # fmt: skip
    for module, name in PARTS:
        clock.wrap(modules[module], name)
    walls, sqls, cpus = [], [], []
    clock.gc[:2] = [0.0, 0]
    clock.by_generation.clear()
    profiler = cProfile.Profile(time.process_time) if args.cprofile else None
    for _ in range(args.runs):
        clock.statements.clear()
        sql, wall, cpu = clock.sql, time.perf_counter(), time.process_time()
        with connection.execute_wrapper(clock.execute):
            if profiler:
                profiler.enable()
            response = client.get(url)
            if profiler:
                profiler.disable()
        assert response.status_code == 200
        walls.append(time.perf_counter() - wall)
        sqls.append(clock.sql - sql)
        cpus.append(time.process_time() - cpu)
    ms = lambda s: round(1000 * s, 1)  # noqa: E731
    print(
        f"page: wall {ms(statistics.median(walls))} ms (min {ms(min(walls))}), "
        f"SQL {ms(statistics.median(sqls))}, Python CPU {ms(statistics.median(cpus))}, "
        f"{len(clock.statements)} statements; load {os.getloadavg()[0]:.2f}; garbage "
        f"collection {ms(clock.gc[0] / args.runs)} ms a request ({clock.gc[1] / args.runs:g}×; "
        + ", ".join(f"gen {g}: {ms(t / args.runs)}" for g, t in sorted(clock.by_generation.items()))
        + ")"
    )
    for part, values in sorted(clock.parts.items(), key=lambda kv: -sum(v[0] for v in kv[1])):
        n = len(values) / args.runs
        wall = sum(v[0] for v in values) / args.runs
        sql = sum(v[1] for v in values) / args.runs
        cpu = sum(v[2] for v in values) / args.runs
        print(f"  {part:32} ×{n:<4g} wall {ms(wall):7} SQL {ms(sql):7} CPU {ms(cpu):7}")
    slowest = sorted(clock.statements, key=lambda st: -st[0])
    for spent, sql, _ in slowest[: args.statements]:
        print(f"{ms(spent):8} {sql[:300]}")
    for spent, sql, params in slowest[: args.explain]:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n--- {ms(spent)} ms: {sql[:200]}\n{plan}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
