"""Counter receipts through the services alone: `receive_at_counter` in parallel processes.

Each process is one officer at one desk, receiving back to back (no think time): code,
due date, components, fees and the event, committed. Reports committed receipts per
second over the whole run and the latency of one receipt.

    .venv/bin/python -m bench.receipts_services --processes 4 --seconds 20
    .venv/bin/python -m bench.receipts_services --processes 4 --same-desk   # one hot counter
    .venv/bin/python -m bench.receipts_services --without-listeners  # the dossier's own cost
"""

import argparse
import multiprocessing as mp
import random
import sys
import time

from bench import common


def worker(index: int, desk_id: int | None, bare: bool, ready, start, stop_at, out) -> None:
    common.setup(quiet=True)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from motcua.agencies.models import Unit
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.services import Intake, receive_at_counter
    from motcua.dossiers.signals import dossier_changed

    if bare:  # diagnosis: the dossier's own cost, without monitoring's and portal's listeners
        dossier_changed.receivers.clear()
        dossier_changed.sender_receivers_cache.clear()

    rng = random.Random(index)
    mix = common.work_mix()
    desk_ids = sorted(mix)
    desk_id = desk_id or desk_ids[index % len(desk_ids)]
    desk = Unit.objects.get(pk=desk_id)
    officer = get_user_model().objects.get(pk=common.receivers()[desk_id])
    units = {u.pk: u for u in Unit.objects.all()}
    versions = {v.pk: v for v in ProcedureVersion.objects.select_related("procedure")}
    work = mix[desk_id]

    def intake(w=None) -> Intake:
        w = w or rng.choice(work)
        return Intake(
            version=versions[w.version_id],
            applicant=common.applicant(rng),
            components=[{"document": d, "form": "original"} for d in w.documents],
            competent_unit=units[w.competent_id],
        )

    for w in work:  # warm the per-process caches (calendars; catalog parts) as in a long run
        receive_at_counter(officer, desk, intake(w))
    statements = []
    with connection.execute_wrapper(lambda run, sql, *a: statements.append(sql) or run(sql, *a)):
        receive_at_counter(officer, desk, intake())
    backend = [connection.connection.info.backend_pid]
    ready.put(index)
    start.wait()
    app0, db0 = time.process_time(), common.cpu_seconds(backend)
    latencies, failures = [], 0
    while time.time() < stop_at.value:
        form = intake()
        t0 = time.perf_counter()
        try:
            receive_at_counter(officer, desk, form)
        except Exception as exc:  # counted and shown: a benchmark must not hide errors
            failures += 1
            if failures < 3:
                print(f"worker {index}: {exc!r}", file=sys.stderr)
            continue
        latencies.append(time.perf_counter() - t0)
    cpu = (time.process_time() - app0, common.cpu_seconds(backend) - db0)
    out.put((latencies, failures, len(statements), cpu))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--same-desk", action="store_true", help="every process at one desk")
    parser.add_argument(
        "--rollup-every",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="monitoring's roll-up beside the receipts, every SECONDS (0: none)",
    )
    parser.add_argument(
        "--without-listeners",
        action="store_true",
        help="diagnosis only: disconnect dossier_changed listeners (monitoring, portal)",
    )
    args = parser.parse_args(argv)

    common.setup()
    common.vacuum_hot()
    desk = sorted(common.work_mix())[1] if args.same_desk else None
    ctx = mp.get_context("spawn")
    ready, start, out, stop_at = ctx.Queue(), ctx.Event(), ctx.Queue(), ctx.Value("d", 0.0)
    procs = [
        ctx.Process(
            target=worker, args=(i, desk, args.without_listeners, ready, start, stop_at, out)
        )
        for i in range(args.processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:  # spawning and Django start-up happen before the clock starts
        ready.get(timeout=120)
    with common.RollUp(0 if args.without_listeners else args.rollup_every) as rollup:
        rolled = rollup.cpu_seconds()
        began = time.time()
        stop_at.value = began + args.seconds
        busy = common.busy_seconds()
        start.set()
        results = [out.get() for _ in procs]
        elapsed = time.time() - began
        busy = common.busy_seconds() - busy
        rolled = rollup.cpu_seconds() - rolled
    for p in procs:
        p.join()
    latencies = [s for r, *_ in results for s in r]
    n = max(len(latencies), 1)
    return common.report(
        "receipts_services",
        {
            "processes": args.processes,
            "same_desk": args.same_desk,
            "listeners": not args.without_listeners,
            "seconds": round(elapsed, 1),
            "receipts": len(latencies),
            "failures": sum(r[1] for r in results),
            "statements_per_receipt": results[0][2],  # plus BEGIN and COMMIT
            "per_second": round(len(latencies) / elapsed, 1),
            "latency": common.latency_summary(latencies),
            "cpu_ms_per_receipt": {
                "app": round(sum(r[3][0] for r in results) * 1000 / n, 2),
                "db": round(sum(r[3][1] for r in results) * 1000 / n, 2),
                "rollup": round(rolled * 1000 / n, 2),  # its database backend is in others
            },
            "rollup_every": 0 if args.without_listeners else args.rollup_every,
            "pending_at_end": common.RollUp.pending(),
            "others_cores": round(
                max(0.0, busy - rolled - sum(sum(r[3]) for r in results)) / elapsed, 2
            ),
        },
    )


if __name__ == "__main__":
    main()
