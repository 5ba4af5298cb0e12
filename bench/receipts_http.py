"""Counter receipts through the HTTP API: `POST /api/v1/dossiers` from concurrent clients.

Each client is one officer (the demo's receiver at one of the nine desks, with an API
token) receiving back to back: the API checks the body, the service takes the code, computes
the due date, writes the dossier, components, fees and event and commits, and the API answers
201 with the dossier. Counted: committed receipts (201) per second over the run.

    .venv/bin/python -m bench.receipts_http --clients 8 --workers 4 --seconds 20
"""

import argparse
import random

from bench import common, httpload


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--rollup-every",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="monitoring's roll-up beside the server, every SECONDS (0: none)",
    )
    args = parser.parse_args(argv)

    common.setup()
    common.vacuum_hot()
    from django.contrib.auth import get_user_model

    mix = common.work_mix()
    desks = sorted(mix)
    receiver_of = common.receivers()
    users = dict(get_user_model().objects.values_list("pk", "username"))
    tokens = httpload.tokens([users[receiver_of[d]] for d in desks])

    def make(client: int, rng: random.Random) -> httpload.Request:
        desk = desks[client % len(desks)]
        w = rng.choice(mix[desk])
        body = {
            "procedure": w.procedure,
            "receiving_unit": w.desk_code,
            "applicant": common.applicant(rng),
            "components": [{"document": order} for order in w.orders],
        }
        if w.name_competent:
            body["competent_unit"] = w.competent_code
        return httpload.Request("POST", "/api/v1/dossiers", body, tokens[users[receiver_of[desk]]])

    with httpload.server(args.workers) as srv, common.RollUp(args.rollup_every) as rollup:
        httpload.load(srv, args.clients, 3, make, warmup=0)  # warm every worker's caches
        rolled = rollup.cpu_seconds()
        results, seconds, cpu = httpload.load(srv, args.clients, args.seconds, make)
        rolled = rollup.cpu_seconds() - rolled
    created = [r.seconds for r in results if r.status == 201]
    return common.report(
        "receipts_http",
        {
            "clients": args.clients,
            "workers": args.workers,
            "seconds": seconds,
            "receipts": len(created),
            "per_second": round(len(created) / seconds, 1),
            "latency": common.latency_summary(created),
            "cpu_ms_per_receipt": {
                **cpu.per(len(created)),
                "rollup": round(rolled * 1000 / max(len(created), 1), 2),
            },
            "rollup_every": args.rollup_every,
            "pending_at_end": common.RollUp.pending(),
            "others_cores": cpu.others_cores(),
            "unexpected": httpload.errors(results, {201}),
        },
    )


if __name__ == "__main__":
    main()
