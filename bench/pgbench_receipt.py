"""The database's own limit: a receipt's writes as raw SQL under pgbench, on the same machine.

    .venv/bin/python -m bench.pgbench_receipt --clients 8 --seconds 20
    .venv/bin/python -m bench.pgbench_receipt --clients 8 --same-desk

Runs ``bench/pgbench/receipt.sql`` (counter upsert, dossier insert, three components, the
event — one transaction, prepared statements) against the bench database, then deletes the
rows it wrote. Each client uses its own desk counter unless ``--same-desk``.
"""

import argparse
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from bench import common

SCRIPT = Path(__file__).parent / "pgbench" / "receipt.sql"


def variables() -> dict[str, str]:
    """Real ids from the demo, so that foreign keys are checked as in a real receipt."""
    from motcua.agencies.models import Unit
    from motcua.catalog.models import RequiredDocument

    mix = common.work_mix()
    desk_id = next(d for d in sorted(mix) if Unit.objects.get(pk=d).level == "commune")
    work = mix[desk_id][0]
    desk, competent = Unit.objects.get(pk=desk_id), Unit.objects.get(pk=work.competent_id)
    document = RequiredDocument.objects.filter(version_id=work.version_id).first()
    return {
        "version": str(work.version_id),
        "desk_unit": str(desk.pk),
        "desk_path": desk.path,
        "competent_unit": str(competent.pk),
        "competent_path": competent.path,
        "document": str(document.pk),
        "actor": str(common.receivers()[desk_id]),
    }


def cleanup() -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        ids = "SELECT id FROM dossiers_dossier WHERE code LIKE 'PGB%%'"
        cur.execute(f"DELETE FROM dossiers_event WHERE dossier_id IN ({ids})")
        cur.execute(f"DELETE FROM dossiers_component WHERE dossier_id IN ({ids})")
        cur.execute("DELETE FROM dossiers_dossier WHERE code LIKE 'PGB%%'")
        removed = cur.rowcount
        cur.execute("DELETE FROM dossiers_codesequence WHERE agency_code LIKE 'PGB%%'")
    return removed


def run(clients: int, seconds: float, same_desk: bool) -> dict:
    url = urlparse(common.BENCH_URL)
    command = [
        "pgbench", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
        "-U", url.username or "postgres", "-n", "-M", "prepared", "-f", str(SCRIPT),
        "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(int(seconds)),
        "-D", f"desks={1 if same_desk else max(clients, 1)}",
    ]  # fmt: skip
    for name, value in variables().items():
        command += ["-D", f"{name}={value}"]
    command.append(url.path.lstrip("/"))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"pgbench lỗi:\n{done.stderr}\n{done.stdout}")
    out = done.stdout

    def number(pattern: str) -> float | None:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else None

    return {
        "tps": number(r"tps = ([\d.]+) \(without initial connection time\)"),
        "latency_avg_ms": number(r"latency average = ([\d.]+) ms"),
        "transactions": number(r"number of transactions actually processed: (\d+)"),
        "failed": number(r"number of failed transactions: (\d+)") or 0,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--same-desk", action="store_true")
    args = parser.parse_args(argv)
    common.setup()
    cleanup()
    common.vacuum_hot()
    busy = common.busy_seconds()
    try:
        figures = run(args.clients, args.seconds, args.same_desk)
    finally:
        busy = common.busy_seconds() - busy
        removed = cleanup()
        from django.db import connection

        with connection.cursor() as cur:  # the deleted rows' space, for the next benchmarks
            cur.execute("VACUUM dossiers_dossier, dossiers_event, dossiers_component")
    return common.report(
        "pgbench_receipt",
        {"clients": args.clients, "same_desk": args.same_desk, "seconds": args.seconds,
         **figures, "rows_removed": removed,
         "machine_busy_cores": round(busy / args.seconds, 2)},
    )  # fmt: skip


if __name__ == "__main__":
    main()
