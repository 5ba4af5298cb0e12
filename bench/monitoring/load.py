"""Build the monitoring bench database: province, generated history, timed imports.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_monitoring \\
        python -m bench.monitoring.load --dossiers 5000000

1. sets up the bench province (``province.setup``), 2. writes the CSV files
(``generate.py``), 3. imports each file through the real command
(``python -m motcua import-dossiers``: validation, then PostgreSQL COPY and one set-based
tally upsert per 250,000 dossiers) and records how long each million took.
The database must exist and be migrated (``python -m motcua migrate``).
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_monitoring")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5_000_000)
    parser.add_argument("--out", default="var/bench-monitoring")
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args(argv)

    from bench.common import report, setup

    setup()
    from .generate import Generator
    from .province import setup as setup_province

    out = Path(args.out)
    t0 = time.perf_counter()
    print("Tỉnh đo:", setup_province())
    if not args.skip_generate:
        files = Generator(args.dossiers, date.today()).write(out)
    else:
        files = sorted(out.glob("dossiers-*.csv"))
    generated = time.perf_counter() - t0
    env = {**os.environ, "DATABASE_URL": os.environ["BENCH_DATABASE_URL"]}
    imports = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "motcua", "import-dossiers", str(f), "--batch", "10000"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        print(done.stdout.strip() or done.stderr[-2000:])
        if done.returncode:
            sys.exit(done.returncode)
        imports.append(
            {"file": f.name, "rows": rows, "seconds": round(seconds, 1),
             "rows_per_second": round(rows / seconds)}
        )  # fmt: skip
    report(
        "monitoring_load",
        {
            "dossiers": args.dossiers,
            "generate_seconds": round(generated, 1),
            "imports": imports,
            "import_seconds": round(sum(i["seconds"] for i in imports), 1),
        },
    )


if __name__ == "__main__":
    main()
