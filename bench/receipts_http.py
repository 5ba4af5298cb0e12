"""Counter receipts through the HTTP API: `POST /api/v1/dossiers` from concurrent clients.

wrk sends receipts prepared beforehand, each by one of the nine desks' officers (the demo's
receiver, with an API token) in turn, back to back: the API checks the body, the service
takes the code, computes the due date, writes the dossier, components, fees and event and
commits, and the API answers 201 with the dossier. Counted: committed receipts (201) per
second over the run.

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

    def receipt(desk: int, rng: random.Random) -> httpload.Request:
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

    # each desk's officer in turn, each receipt a different applicant and procedure
    rng = random.Random(2026)
    requests = [receipt(desks[i % len(desks)], rng) for i in range(20_000)]
    with httpload.server(args.workers) as srv, common.RollUp(args.rollup_every) as rollup:
        rolled, first = rollup.cpu_seconds(), last_dossier()
        done, cpu = httpload.replay(srv, args.clients, args.seconds, requests)
        # the roll-up ran through the warm-up too: its CPU per receipt of both runs
        rolled = (rollup.cpu_seconds() - rolled) / max(last_dossier() - first, 1)
    created = done.statuses.get("201", 0)
    per = cpu.per(done.in_window)
    return common.report(
        "receipts_http",
        {
            "clients": args.clients,
            "workers": args.workers,
            "seconds": done.seconds,
            "receipts": created,
            "per_second": round(created / done.seconds, 1),
            "latency": done.latency,
            "cpu_ms_per_receipt": {
                **per,
                "rollup": round(rolled * 1000, 2),
            },
            "rollup_every": args.rollup_every,
            "pending_at_end": common.RollUp.pending(),
            "others_cores": cpu.others_cores(),
            "unexpected": done.unexpected({201}),
        },
    )


def last_dossier() -> int:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.order_by("-id").values_list("id", flat=True).first() or 0


if __name__ == "__main__":
    main()
