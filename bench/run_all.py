"""Every measurement of bench/README.md, repeated, with the medians as a Markdown table.

    .venv/bin/python -m bench.run_all --repeat 2 --seconds 20

Rounds are interleaved (each round runs every benchmark once), so a neighbour's burst of
load spreads over all figures instead of spoiling one. Needs the loaded bench database
(`python -m bench.generate`).
"""

import argparse
import statistics
from dataclasses import dataclass

from bench import (
    common,
    lists,
    pgbench_receipt,
    receipts_http,
    receipts_services,
    tracking,
)


@dataclass
class Case:
    label: str
    run: object
    argv: list[str]
    figure: str  # "per_second" | "tps" | "median_ms" | "p99_ms"
    target: str
    unit: str


def value(row: dict, figure: str) -> float:
    if figure in ("median_ms", "p99_ms"):
        return row["latency"][figure]
    return row[figure]


def cases(seconds: str, processes: str, workers: str) -> list[Case]:
    s = ["--seconds", seconds]
    return [
        Case("pgbench: receipt's writes in raw SQL, 8 clients", pgbench_receipt.main,
             ["--clients", "8", *s], "tps", "(the limit)", "/s"),
        Case(f"receipts, services alone, {processes} processes", receipts_services.main,
             ["--processes", processes, *s], "per_second", "≥ 1 000", "/s"),
        Case(f"receipts, HTTP API, 8 clients, {workers} gunicorn workers", receipts_http.main,
             ["--clients", "8", "--workers", workers, *s], "per_second", "≥ 200", "/s"),
        Case("list page of 100, SQL, 16 clients (median)", lists.main,
             ["--via", "sql", "--clients", "16", *s], "median_ms", "< 50", "ms"),
        Case("list page of 100, HTTP API, 16 clients (median)", lists.main,
             ["--via", "http", "--clients", "16", "--workers", workers, *s], "median_ms",
             "< 50", "ms"),
        Case("tracking lookup, SQL, 8 clients (p99)", tracking.main,
             ["--via", "sql", "--clients", "8", *s], "p99_ms", "< 20", "ms"),
        Case("tracking lookup, HTTP API, 8 clients (p99)", tracking.main,
             ["--via", "http", "--clients", "8", "--workers", workers, *s], "p99_ms", "< 20",
             "ms"),
        Case("tracking lookup, HTTP API, 1 client (p99)", tracking.main,
             ["--via", "http", "--clients", "1", "--workers", workers, *s], "p99_ms", "< 20",
             "ms"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seconds", default="20")
    parser.add_argument("--processes", default="4", help="for receipts_services")
    parser.add_argument("--workers", default="4", help="gunicorn workers for HTTP runs")
    parser.add_argument("--only", help="run only cases whose label contains this text")
    args = parser.parse_args(argv)
    common.setup()

    chosen = [c for c in cases(args.seconds, args.processes, args.workers)
              if not args.only or args.only in c.label]  # fmt: skip
    runs: dict[str, list[dict]] = {c.label: [] for c in chosen}
    for _ in range(args.repeat):
        for case in chosen:
            runs[case.label].append(case.run(case.argv))

    limit = None
    pg = runs.get(chosen[0].label) if chosen[0].figure == "tps" else None
    if pg:
        limit = statistics.median(value(r, "tps") for r in pg)
    print("\n| measurement | target | runs | median | vs pgbench | CPU per operation, ms "
          "| other programs, cores |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for case in chosen:
        got = [value(r, case.figure) for r in runs[case.label]]
        med = statistics.median(got)
        ratio = f"{med / limit:.0%}" if limit and case.unit == "/s" and case.figure != "tps" else ""
        others = ", ".join(
            f"{r['others_cores']:.2f}" if "others_cores" in r else "—" for r in runs[case.label]
        )
        shown = ", ".join(f"{g:,.1f}" for g in got)
        print(f"| {case.label} | {case.target} {case.unit} | {shown} | **{med:,.1f}** "
              f"{case.unit} | {ratio} | {cpu(runs[case.label])} | {others} |")  # fmt: skip


def cpu(rows: list[dict]) -> str:
    """The median CPU milliseconds per operation, by process kind (app, db, client)."""
    found = [v for r in rows for k, v in r.items() if k.startswith("cpu_ms_per")]
    if not found:
        return ""
    kinds = [k for k in found[0] if k != "client"]
    return " + ".join(f"{k} {statistics.median(f[k] for f in found):.1f}" for k in kinds)


if __name__ == "__main__":
    main()
