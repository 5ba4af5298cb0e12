"""The public tracking lookup: a code and the applicant's phone or identity number.

Codes are drawn from the loaded history (every state, two years); one lookup in ten has a
wrong second factor and must answer «not found», as a stranger guessing codes would.

    .venv/bin/python -m bench.tracking --via sql  --clients 8   # dossier + its history
    .venv/bin/python -m bench.tracking --via http --clients 8   # POST /api/v1/tracking (wrk)

``--via sql`` runs the two statements the lookup makes (the dossier by code with its
procedure and units; its events with their units) on one connection per client.
"""

import argparse
import random
import threading
import time

from bench import common, httpload


def sample(n: int, seed: int = 7) -> list[tuple[str, str, bool]]:
    """(code, second factor, should be found): real dossiers, phone or id number, 10% wrong."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT code, applicant_phone, applicant_id_number FROM dossiers_dossier "
            "TABLESAMPLE SYSTEM (2) REPEATABLE (%s) WHERE code IS NOT NULL LIMIT %s",
            [seed, n],
        )
        rows = cur.fetchall()
    rng = random.Random(seed)
    out = []
    for code, phone, id_number in rows:
        factor = phone if rng.random() < 0.5 and phone else id_number
        if rng.random() < 0.1:
            out.append((code, "0" + str(rng.randrange(10**8, 10**9)), False))
        else:
            out.append((code, factor, True))
    return out


def statements() -> tuple[str, str]:
    """The lookup's two statements, as the ORM compiles them (api.dossiers.track)."""
    from motcua.dossiers.models import Dossier, Event

    one = (
        Dossier.objects.select_related("version", "receiving_unit", "current_unit")
        .filter(code="CODE")
        .order_by("-received_at", "-id")[:1]
    )
    history = Event.objects.filter(dossier_id=0).select_related("unit").order_by("seq")
    return str(one.query.sql_with_params()[0]), str(history.query.sql_with_params()[0])


def via_sql(cases, clients: int, seconds: float):
    import psycopg

    find, history = statements()
    results: list[list[float]] = [[] for _ in range(clients)]
    gate = threading.Barrier(clients)
    begin = time.time() + 2 + 2
    end = begin + seconds
    pids: list[int] = []
    cpu = common.Window(begin, end, db=lambda: pids, client=None)

    def client(i: int) -> None:
        rng = random.Random(i)
        with psycopg.connect(common.BENCH_URL, cursor_factory=psycopg.ClientCursor) as conn:
            pids.append(conn.info.backend_pid)
            gate.wait()
            while (now := time.time()) < end:
                code, _, _ = rng.choice(cases)
                t0 = time.perf_counter()
                row = conn.execute(find, [code]).fetchone()
                if row:
                    conn.execute(history, [row[0]]).fetchall()
                if now >= begin:
                    results[i].append(time.perf_counter() - t0)
            cpu.wait()  # the server process lives until its CPU time is read

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs], {}, cpu


def via_http(cases, clients: int, seconds: float, workers: int):
    requests = [
        httpload.Request("POST", "/api/v1/tracking", {"code": code, "second_factor": factor})
        for code, factor, _ in cases
    ]
    with httpload.server(workers) as srv:
        done, cpu = httpload.replay(srv, clients, seconds, requests)
    # one lookup in ten has a wrong second factor: 404, as for a stranger
    return done, done.unexpected({200, 404}), cpu


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=["sql", "http"], default="sql")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (http)")
    args = parser.parse_args(argv)

    common.setup()
    from motcua.dossiers.models import Dossier

    cases = sample(5000)
    if args.via == "sql":
        results, unexpected, cpu = via_sql(cases, args.clients, args.seconds)
        per_second = round(len(results) / args.seconds, 1)
        latency, cpu_per = common.latency_summary(results), cpu.per(len(results))
    else:
        done, unexpected, cpu = via_http(cases, args.clients, args.seconds, args.workers)
        per_second, latency, cpu_per = done.per_second, done.latency, cpu.per(done.in_window)
    return common.report(
        "tracking",
        {
            "via": args.via,
            "clients": args.clients,
            "workers": args.workers if args.via == "http" else None,
            "dossiers": Dossier.objects.count(),
            "per_second": per_second,
            "latency": latency,
            "cpu_ms_per_lookup": cpu_per,
            "others_cores": cpu.others_cores(),
            "unexpected": unexpected,
        },
    )


if __name__ == "__main__":
    main()
