"""The permission-filtered dossier list, first page of 100, with concurrent clients.

Every client is an official of the demo province (all of them in turn: province, department,
division, commune scopes) asking for their list, as the API serves it
(`queries.first_visible`, then the page's rows and what they show).

    .venv/bin/python -m bench.lists --via sql  --clients 16   # the database's part
    .venv/bin/python -m bench.lists --via http --clients 16   # GET /api/v1/dossiers?limit=100

``--via sql`` replays the statements the API ran for each official's page (captured once),
on one connection per client (the database alone: no Python object building, no JSON).
``--via http`` goes through gunicorn, the token check, the query, and the JSON answer.
"""

import argparse
import random
import threading
import time

from bench import common, httpload


def officials() -> list[tuple[str, str]]:
    """(username, level of the unit of their first role), every demo official."""
    from motcua.agencies.models import RoleAssignment

    seen = {}
    for ra in RoleAssignment.objects.select_related("official__user", "unit").order_by("pk"):
        level = "province" if ra.role == "PROVINCE_ADMIN" else ra.unit.level
        seen.setdefault(ra.official.user.username, level)
    return sorted(seen.items())


def page_sql(username: str, limit: int) -> list[tuple[str, list | None]]:
    """The statements the API runs for ``username``'s list page (``list_dossiers``: the
    roles, the scope's units, the page's keys, its rows, their versions, units and
    assignees), with their parameters, captured from a real call; the token check is left
    out."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    captured = []

    def keep(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get(f"/api/v1/dossiers?limit={limit}").status_code == 200
    # the session and user of the test login are the test client's, not the API's
    return [(sql, params) for sql, params in captured if "django_session" not in sql
            and 'FROM "auth_user" WHERE "auth_user"."id" = ' not in sql]  # fmt: skip


def via_sql(people, clients, seconds, limit, settings=()):
    import psycopg

    statements = {name: page_sql(name, limit) for name, _ in people}
    levels = dict(people)
    results: list[list[tuple[float, str]]] = [[] for _ in range(clients)]
    gate = threading.Barrier(clients)
    begin = time.time() + 2 + 3  # connections open, then 3 s of warm-up
    end = begin + seconds
    pids: list[int] = []
    cpu = common.Window(begin, end, db=lambda: pids, client=None)

    def client(i: int) -> None:
        rng = random.Random(i)
        # As the API sends them: Django's statements bound client-side, the ones written
        # out with PostgreSQL's $n placeholders prepared (core.rows)
        with psycopg.connect(common.BENCH_URL, cursor_factory=psycopg.ClientCursor) as conn:
            prepared = psycopg.RawCursor(conn)
            pids.append(conn.info.backend_pid)
            for setting in settings:
                conn.execute(f"SET {setting}")
            gate.wait()
            while (now := time.time()) < end:
                name = rng.choice(people)[0]
                t0 = time.perf_counter()
                for sql, params in statements[name]:
                    if "$1" in sql:
                        prepared.execute(sql, params, prepare=True).fetchall()
                    else:
                        conn.execute(sql, params).fetchall()
                if now >= begin:
                    results[i].append((time.perf_counter() - t0, levels[name]))
            cpu.wait()  # the server process lives until its CPU time is read

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs], {}, cpu


def via_http(people, clients, seconds, limit, workers):
    """Every official's first page in turn, each with their own API token."""
    tokens = httpload.tokens([n for n, _ in people])
    requests = [
        httpload.Request("GET", f"/api/v1/dossiers?limit={limit}", token=tokens[name])
        for name, _ in people
    ]
    with httpload.server(workers) as srv:
        done, cpu = httpload.replay(srv, clients, seconds, requests)
    return done, done.unexpected({200}), cpu


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=["sql", "http"], default="sql")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (http)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SETTING",
        help="diagnosis (sql): a PostgreSQL setting for the session, e.g. enable_memoize=off",
    )
    args = parser.parse_args(argv)

    common.setup()
    from motcua.dossiers.models import Dossier

    people = officials()
    by_level = {}
    if args.via == "sql":
        results, unexpected, cpu = via_sql(people, args.clients, args.seconds, args.limit, args.set)
        per_second = round(len(results) / args.seconds, 1)
        latency = common.latency_summary([s for s, _ in results])
        cpu_per = cpu.per(len(results))
        for level in sorted({lv for _, lv in results}):
            by_level[level] = common.latency_summary([s for s, lv in results if lv == level])
    else:  # wrk measures all pages together
        done, unexpected, cpu = via_http(
            people, args.clients, args.seconds, args.limit, args.workers
        )
        per_second, latency, cpu_per = done.per_second, done.latency, cpu.per(done.in_window)
    return common.report(
        "lists",
        {
            "via": args.via,
            "settings": args.set,
            "clients": args.clients,
            "workers": args.workers if args.via == "http" else None,
            "dossiers": Dossier.objects.count(),
            "officials": len(people),
            "per_second": per_second,
            "latency": latency,
            "cpu_ms_per_page": cpu_per,
            "others_cores": cpu.others_cores(),
            "by_level": by_level,
            "unexpected": unexpected,
        },
    )


if __name__ == "__main__":
    main()
