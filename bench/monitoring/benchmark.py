"""Monitoring benchmark: dashboard and 766 index response times, and what keeping the
aggregates adds to each dossier transition.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_monitoring \\
        python -m bench.monitoring.benchmark [--runs 7] [--transitions 60]

Responses are measured in-process with Django's test client (middleware, session, template
or JSON rendering included; no network), as the province leader (whole province) and as a
commune head (one commune), for several periods. "cold" is the first request after the
catalog cache is dropped; the rest are warm. Transitions are full lifecycles (receive →
forward → forward → resolve → return) through ``dossiers.services`` with monitoring's
receiver connected and disconnected, all inside a transaction that is rolled back.
"""

import argparse
import os
import statistics
import time
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
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .province import structure

    # Pages are rendered without `collectstatic`: serve static names unhashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
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
                print(row)
                rows.append(row)
    return rows


def transitions(n: int) -> dict:
    """Mean milliseconds per transition with and without monitoring's receiver."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from motcua.agencies.models import Unit
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers import services
    from motcua.dossiers.signals import dossier_changed
    from motcua.monitoring import receivers

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

    def lifecycle() -> list[float]:
        times = []
        intake = services.Intake(version=version, applicant=dict(applicant), components=docs)
        t = time.perf_counter()
        d = services.receive_at_counter(receiver, desk, intake)
        times.append(time.perf_counter() - t)
        for action, who, params in (
            ("forward", receiver, {}),
            ("forward", specialist, {}),
            ("resolve", head, {"e_result": True}),
            ("return_result", receiver, {"recipient": "Nguyễn Văn Đo"}),
        ):
            t = time.perf_counter()
            d = services.act(d, action, who, **params)
            times.append(time.perf_counter() - t)
        return times

    times = {"có giám sát": [], "không giám sát": []}
    spent_in_monitoring: list[float] = []
    refresh = receivers.refresh

    def timed_refresh(dossier, action=None):
        t = time.perf_counter()
        try:
            return refresh(dossier, action)
        finally:
            spent_in_monitoring.append(time.perf_counter() - t)

    receivers.refresh = timed_refresh
    try:
        with transaction.atomic():
            lifecycle()  # warm the caches (calendars, catalog, statements)
            spent_in_monitoring.clear()
            for _ in range(n):  # interleaved, so drift of the machine hits both alike
                times["có giám sát"] += lifecycle()
                dossier_changed.disconnect(dispatch_uid="monitoring.facts")
                try:
                    times["không giám sát"] += lifecycle()
                finally:
                    dossier_changed.connect(
                        receivers.on_dossier_changed, dispatch_uid="monitoring.facts"
                    )
            transaction.set_rollback(True)
    finally:
        receivers.refresh = refresh
    results = {
        label: {
            "transitions": len(values),
            "mean_ms": round(statistics.mean(values) * 1000, 2),
            "median_ms": round(statistics.median(values) * 1000, 2),
        }
        for label, values in times.items()
    }
    results["thời gian trong bộ nhận sự kiện của giám sát"] = {
        "mean_ms": round(statistics.mean(spent_in_monitoring) * 1000, 2),
        "median_ms": round(statistics.median(spent_in_monitoring) * 1000, 2),
    }
    with_m, without = results["có giám sát"], results["không giám sát"]
    results["chi phí giám sát / bước"] = {
        "mean_ms": round(with_m["mean_ms"] - without["mean_ms"], 2),
        "median_ms": round(with_m["median_ms"] - without["median_ms"], 2),
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
    args = parser.parse_args(argv)
    from bench.common import report, setup

    setup()
    figures = {"tables": sizes()}
    if not args.skip_responses:
        figures["responses"] = responses(args.runs)
    figures["transitions"] = transitions(args.transitions)
    report("monitoring", figures)


if __name__ == "__main__":
    main()
