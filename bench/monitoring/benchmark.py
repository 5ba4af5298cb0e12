"""Monitoring benchmark: dashboard and 766 index response times, and what keeping the
aggregates adds to each dossier transition.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_monitoring \\
        python -m bench.monitoring.benchmark [--runs 7] [--transitions 60]

Responses are measured in-process with Django's test client (middleware, session, template
or JSON rendering included; no network), as the province leader (whole province) and as a
commune head (one commune), for several periods. "cold" is the first request after the
catalog cache is dropped; the rest are warm. Transitions are full lifecycles (receive →
forward → forward → resolve → return) through ``dossiers.services`` with monitoring's
receiver connected and disconnected, and the roll-up of the changes they noted, all inside a
transaction that is rolled back.
"""

import argparse
import os
import statistics
import time
from contextlib import contextmanager
from datetime import date, timedelta

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_monitoring")


def periods_to_measure(today: date) -> list[tuple[str, str]]:
    q_first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        ("tháng này", f"from={today.replace(day=1)}&to={today}"),
        ("quý này", f"from={q_first}&to={today}"),
        ("năm nay", f"from={date(today.year, 1, 1)}&to={today}"),
        ("năm trước", f"from={date(today.year - 1, 1, 1)}&to={date(today.year - 1, 12, 31)}"),
        ("5 năm", f"from={date(today.year - 4, 1, 1)}&to={today}"),
        ("12 tháng gần nhất (lẻ ngày)", f"from={today - timedelta(days=365)}&to={today}"),
    ]


def measure(client, url: str, runs: int) -> dict:
    from motcua.monitoring import registry

    registry.invalidate()
    t = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - t
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        warm.append(time.perf_counter() - t)
    return {
        "cold_ms": round(cold * 1000, 1),
        "median_ms": round(statistics.median(warm) * 1000, 1),
        "max_ms": round(max(warm) * 1000, 1),
    }


def responses(runs: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .province import structure

    _static_unhashed()
    units, _ = structure()
    root = units[0].code
    commune = next(u.code for u in units if u.level == "commune" and u.kind != "service_center")
    users = get_user_model().objects
    viewers = [
        ("tỉnh", root, users.get(username="bench.lanhdao.tinh")),
        ("xã", commune, users.get(username="bench.lanhdao.xa")),
    ]
    rows = []
    for scope, code, user in viewers:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, query in periods_to_measure(date.today()):
            for what, url in (
                ("bảng điều khiển", f"/giam-sat/{code}/?{query}"),
                ("API chỉ số 766", f"/api/v1/monitoring/index?unit={code}&{query}"),
                ("API thống kê", f"/api/v1/monitoring/statistics?unit={code}&{query}"),
            ):
                row = {"scope": scope, "period": label, "what": what, **measure(client, url, runs)}
                row["load"] = round(os.getloadavg()[0], 2)
                print(row)
                rows.append(row)
    return rows


OTHER_PAGES = [
    ("trang chỉ số 766", "chi-so-766/?{q}"),
    ("thống kê theo đơn vị", "thong-ke/?{q}&by=unit"),
    ("thống kê theo lĩnh vực", "thong-ke/?{q}&by=field"),
    ("thống kê theo cấp", "thong-ke/?{q}&by=level"),
    ("thống kê theo thủ tục", "thong-ke/?{q}&by=procedure"),
    ("thống kê theo cán bộ", "thong-ke/?{q}&by=official"),
    ("hồ sơ của chỉ số 2.1", "ho-so/?{q}&indicator=2.1&part=denominator"),
    ("hồ sơ quá hạn", "cham-muon/?{q}"),
    ("trang báo cáo", "bao-cao/?{q}"),
]


def other_pages(runs: int) -> list[dict]:
    """The province's other monitoring pages for this year: one cold request, then warm."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .province import structure

    _static_unhashed()
    root = structure()[0][0].code
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench.lanhdao.tinh"))
    today = date.today()
    query = f"from={date(today.year, 1, 1)}&to={today}"
    rows = []
    for label, path in OTHER_PAGES:
        url = f"/giam-sat/{root}/" + path.format(q=query)
        row = {"scope": "tỉnh", "period": "năm nay", "what": label, **measure(client, url, runs)}
        print(row, "load", os.getloadavg())
        rows.append(row)
    return rows


def _static_unhashed() -> None:
    """Pages are rendered without `collectstatic`: serve static names unhashed."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def transitions(n: int, batch: int = 20) -> dict:
    """Milliseconds per transition with and without monitoring's receiver, and what rolling
    the changes up costs per change.

    A transition only notes its dossier (``rollup.note``); ``rollup.catch_up`` later turns
    the notes into facts and tallies. Here each step (receive → forward → forward → resolve
    → return) is taken for ``batch`` dossiers with the receiver and ``batch`` without, then
    the notes are rolled up: one batch of distinct dossiers, each changed once, as the
    periodic roll-up meets them between reads."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from motcua.agencies.models import Unit
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers import services
    from motcua.dossiers.signals import dossier_changed
    from motcua.monitoring import receivers, rollup

    from .province import structure

    units, _ = structure()
    commune_code = next(
        u.code for u in units if u.level == "commune" and u.kind != "service_center"
    )
    commune = Unit.objects.get(code=commune_code)
    desk = Unit.objects.get(parent=commune, one_stop=True)
    version = (
        ProcedureVersion.objects.filter(
            status="PUBLISHED", implementing_units=commune, time_limit_value__gte=3
        )
        .order_by("pk")
        .first()
    )
    users = get_user_model().objects
    receiver = users.get(username="bench.tiepnhan")
    specialist = users.get(username="bench.chuyenvien")
    head = users.get(username="bench.lanhdao.xa")
    applicant = {"name": "Nguyễn Văn Đo", "id_number": "001203004567", "phone": "0912345678",
                 "address": "Thôn Đông"}  # fmt: skip
    docs = [{"document": d.pk, "form": "original"} for d in version.documents.all()]
    steps = [
        ("forward", receiver, {}),
        ("forward", specialist, {}),
        ("resolve", head, {"e_result": True}),
        ("return_result", receiver, {"recipient": "Nguyễn Văn Đo"}),
    ]

    def step(d, k: int):
        if k == 0:
            intake = services.Intake(version=version, applicant=dict(applicant), components=docs)
            return services.receive_at_counter(receiver, desk, intake)
        action, who, params = steps[k - 1]
        return services.act(d, action, who, **params)

    def take(dossiers: list, k: int, into: list[float]) -> None:
        for i, d in enumerate(dossiers):
            t = time.perf_counter()
            dossiers[i] = step(d, k)
            into.append(time.perf_counter() - t)

    @contextmanager
    def receiver_off():
        dossier_changed.disconnect(dispatch_uid="monitoring.facts")
        try:
            yield
        finally:
            dossier_changed.connect(receivers.on_dossier_changed, dispatch_uid="monitoring.facts")

    times = {"có giám sát": [], "không giám sát": []}
    in_receiver: list[float] = []
    rolled = {"seconds": 0.0, "notes": 0, "queries": 0, "batches": 0}
    note = rollup.note

    def timed_note(dossier_id):
        t = time.perf_counter()
        try:
            return note(dossier_id)
        finally:
            in_receiver.append(time.perf_counter() - t)

    def counted(execute, sql, params, many, context):
        rolled["queries"] += 1
        return execute(sql, params, many, context)

    rollup.catch_up()  # nothing of the load left pending
    rollup.note = timed_note
    try:
        with transaction.atomic():
            warm = [None] * 2
            for k in range(5):  # warm the caches (calendars, catalog, statements)
                take(warm, k, [])
            rollup.catch_up()
            in_receiver.clear()
            for _ in range(max(1, n // batch)):
                watched, unwatched = [None] * batch, [None] * batch
                for k in range(5):  # interleaved, so drift of the machine hits both alike
                    take(watched, k, times["có giám sát"])
                    with receiver_off():
                        take(unwatched, k, times["không giám sát"])
                    t = time.perf_counter()
                    with connection.execute_wrapper(counted):
                        done = rollup.catch_up()
                    rolled["seconds"] += time.perf_counter() - t
                    rolled["notes"] += done.notes
                    rolled["batches"] += 1
            transaction.set_rollback(True)
    finally:
        rollup.note = note
    results = {
        label: {
            "transitions": len(values),
            "mean_ms": round(statistics.mean(values) * 1000, 2),
            "median_ms": round(statistics.median(values) * 1000, 2),
        }
        for label, values in times.items()
    }
    results["thời gian trong bộ nhận sự kiện của giám sát"] = {
        "mean_ms": round(statistics.mean(in_receiver) * 1000, 2),
        "median_ms": round(statistics.median(in_receiver) * 1000, 2),
    }
    per_note = rolled["seconds"] / max(1, rolled["notes"])
    results["tổng hợp (roll-up) / thay đổi"] = {
        "mean_ms": round(per_note * 1000, 2),
        "batch": batch,
        "batches": rolled["batches"],
        "queries_per_batch": round(rolled["queries"] / max(1, rolled["batches"]), 1),
    }
    with_m, without = results["có giám sát"], results["không giám sát"]
    results["chi phí giám sát / bước"] = {
        "in_transaction_mean_ms": round(with_m["mean_ms"] - without["mean_ms"], 2),
        "in_transaction_median_ms": round(with_m["median_ms"] - without["median_ms"], 2),
        "with_roll_up_median_ms": round(
            with_m["median_ms"] - without["median_ms"] + per_note * 1000, 2
        ),
    }
    print(results)
    return results


def sizes() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table in ("dossiers_dossier", "dossiers_event", "monitoring_dossierfact",
                      "monitoring_unittally", "monitoring_proceduretally"):  # fmt: skip
            cur.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
            rows, size = cur.fetchone()
            out[table] = {"rows": rows, "mb": round(size / 1e6)}
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--transitions", type=int, default=60, help="lifecycles per variant")
    parser.add_argument("--skip-responses", action="store_true")
    parser.add_argument("--skip-transitions", action="store_true")
    parser.add_argument(
        "--other-pages", action="store_true", help="also the province's other pages, this year"
    )
    args = parser.parse_args(argv)
    from bench.common import report, setup

    setup()
    figures = {"tables": sizes(), "load_before": os.getloadavg()}
    if not args.skip_responses:
        figures["responses"] = responses(args.runs)
    if args.other_pages:
        figures["other_pages"] = other_pages(max(1, args.runs // 2))
    if not args.skip_transitions:
        figures["transitions"] = transitions(args.transitions)
    figures["load_after"] = os.getloadavg()
    report("monitoring", figures)


if __name__ == "__main__":
    main()
