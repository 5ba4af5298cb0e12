"""Aggregates equal a full recount: random lifecycles through the real services, a legacy
import, then the consistency check and an independent, naive recount from the dossiers."""

import csv
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import FINISHED, Dossier, State
from motcua.monitoring import consistency, importer, index, periods, statistics
from motcua.monitoring.models import DossierFact, ProcedureTally, UnitTally
from motcua.workdays.calendar import local
from tests.factories import at, intake

NOW = at("2026-05-15 10:00")
PERIODS = [
    periods.month(2026, 2),
    periods.month(2026, 3),
    periods.month(2026, 4),
    periods.quarter(2026, 1),
    periods.parse("2026-02-10", "2026-03-20"),
    periods.parse("2026-01-01", "2026-06-30"),
]
ACTORS = ["receiver", "specialist", "head", "justice"]
PARAMS = {
    "request_supplement": {"reason": "Bổ sung giấy tờ", "acknowledge_late": True},
    "lapse_supplement": {"reason": "Quá hạn bổ sung"},
    "request_payment": {"reason": "Nộp lệ phí", "amount": 50000},
    "confirm_payment": {"paid_online": True},
    "not_eligible": {"reason": "Không đủ điều kiện"},
    "resolve": {"e_result": True},
    "return_result": {"recipient": "Nguyễn Văn A"},
    "withdraw": {"reason": "Xin rút"},
    "transfer": {"to_unit": "000.01.12.H99", "hours": 6, "reason": "Liên thông"},
    "send_back": {"to_step": 1, "reason": "Trả lại"},
    "refuse": {"reason": "Sai thủ tục"},
}
SKIP = {"assign", "apologize", "request_intake_supplement", "resubmit", "receive"}
WEIGHTS = {"forward": 6, "resolve": 6, "return_result": 3, "withdraw": 0.3, "lapse_supplement": 0.5,
           "not_eligible": 0.3, "send_back": 0.5, "refuse": 0.5}  # fmt: skip


def random_history(procedure, people, province, citizen, seed=7, n=45):
    rng = random.Random(seed)
    center = province["commune_a_center"]
    for _ in range(n):
        moment = at("2026-02-02 08:00") + timedelta(hours=rng.randrange(0, 24 * 80))
        if rng.random() < 0.2:
            d = services.submit_online(citizen, center, intake(procedure), now=moment)
            if rng.random() < 0.7:
                moment += timedelta(hours=rng.randrange(1, 30))
                action = "receive" if rng.random() < 0.8 else "refuse"
                d = services.act(d, action, people["receiver"], now=moment,
                                 **PARAMS.get(action, {}))  # fmt: skip
        else:
            d = services.receive_at_counter(people["receiver"], center, intake(procedure),
                                            now=moment)  # fmt: skip
        for _step in range(rng.randrange(0, 12)):
            moment += timedelta(hours=rng.randrange(1, 60))
            choices = []
            for who in ACTORS:
                for t in services.available_actions(d, people[who]):
                    if t.action not in SKIP:
                        choices.append((who, t.action))
            if d.state in (State.IN_PROCESS, State.RECEIVED) and rng.random() < 0.15:
                choices.append(("head", "apologize"))
            if not choices:
                break
            choices.sort()
            who, action = rng.choices(choices, [WEIGHTS.get(a, 1) for _, a in choices])[0]
            params = dict(PARAMS.get(action, {}))
            if action == "apologize":
                params = {"reason": "Chậm", "new_due": (d.due_at + timedelta(days=5)).isoformat()}
            try:
                d = services.act(d, action, people[who], now=moment, **params)
            except DomainError:
                continue


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=importer.COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def random_import(path, seed=11, n=60):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        received = at("2026-02-02 08:00") + timedelta(hours=rng.randrange(0, 24 * 80))
        status = rng.choice([2, 4, 5, 7, 8, 9, 10, 10, 10, 9, 3, 1])
        row = dict.fromkeys(importer.COLUMNS, "")
        row.update(code=f"LS-{i}", procedure_code="1.001193", unit_code="000.01.31.H99",
                   channel=rng.choice(["direct", "online", "postal"]), status=str(status),
                   received_at=received.isoformat(), e_result=rng.choice(["true", "false"]),
                   digitized=rng.choice(["true", "false"]), vneid=rng.choice(["true", "false"]),
                   rating=rng.choice(["", "1", "3", "5"]))  # fmt: skip
        finished = received + timedelta(hours=rng.randrange(2, 200))
        supplements = rng.choice([0, 0, 1, 2])
        if status == 5:
            supplements = max(1, supplements)
        if supplements and status not in (1, 3):
            row["supplement_requests"] = str(supplements)
            row["supplement_requested_at"] = (received + timedelta(hours=1)).isoformat()
            if status != 5 and rng.random() < 0.7:
                row["supplement_completed_at"] = (received + timedelta(hours=20)).isoformat()
        if status in (3, 7, 8, 9, 10):
            row["finished_at"] = finished.isoformat()
        if status == 10:
            row["returned_at"] = (finished + timedelta(hours=3)).isoformat()
        rows.append(row)
    return write_csv(path, rows)


# --- an independent, naive recount straight from the dossiers ---------------------------------


def pause_start(d):
    if d.paused_at:
        return d.paused_at
    imp = d.events.filter(action="import").first()
    if imp is not None:
        req, done = imp.data.get("supplement_requested_at"), imp.data.get("supplement_completed_at")
        from datetime import datetime

        return datetime.fromisoformat(req) if req and not done and d.state in FINISHED else None
    waiting = None
    paused = (State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT)
    for e in d.events.order_by("seq"):
        if e.to_state in paused and e.from_state not in paused:
            waiting = e.at
        elif e.from_state in paused and e.to_state not in paused:
            if e.to_state in FINISHED:
                return waiting
            waiting = None
    return None


def naive(unit, period, now):
    judged = period.judged_at(now)
    received = late = 0
    resolved = {"EARLY": 0, "ON_TIME": 0, "LATE": 0}
    for d in Dossier.objects.filter(competent_path__startswith=unit.path):
        if d.received_at and period.first <= local(d.received_at).date() <= period.last:
            received += 1
            end = None
            if d.state in FINISHED:
                end = pause_start(d) or d.finished_at
            elif d.paused_at:
                end = d.paused_at
            judged_end = min(end, judged) if end else judged
            if d.supplement_requests > 1 or judged_end > d.due_at:
                late += 1
        if (
            d.received_at
            and d.state in (State.RESOLVED, State.RETURNED, State.STOPPED)
            and period.first <= local(d.finished_at).date() <= period.last
        ):
            end = pause_start(d) or d.finished_at
            if d.supplement_requests > 1 or end > d.due_at:
                resolved["LATE"] += 1
            elif local(end).date() == local(d.due_at).date():
                resolved["ON_TIME"] += 1
            else:
                resolved["EARLY"] += 1
    return received, late, resolved


@pytest.fixture
def busy(procedure, people, province, citizen, tmp_path):
    random_history(procedure, people, province, citizen)
    importer.import_file(random_import(tmp_path / "ls.csv"), fast=False)


def test_tallies_equal_a_full_recount_and_a_naive_one(busy, province):
    report = consistency.check()
    assert report.ok, report.mismatches[:5]
    assert report.dossiers == Dossier.objects.count() == DossierFact.objects.count()
    unit = province["commune_a"]
    for period in PERIODS:
        received, late, resolved = naive(unit, period, NOW)
        r = index.compute(unit, period, now=NOW)
        assert (r.indicator("2.1").denominator, r.indicator("2.1").inputs["late"]) == (
            received, late,
        ), period  # fmt: skip
        f = statistics.statistics(unit, period, now=NOW)["figures"]
        assert (f["resolved_early"], f["resolved_on_time"], f["resolved_late"]) == (
            resolved["EARLY"], resolved["ON_TIME"], resolved["LATE"],
        ), period  # fmt: skip


def test_a_tampered_tally_or_fact_is_found_and_rebuild_repairs(busy, capsys):
    row = UnitTally.objects.filter(grain="M", received__gt=0).first()
    UnitTally.objects.filter(pk=row.pk).update(received=row.received + 1)
    fact = DossierFact.objects.filter(late_final=0, received=1).first()
    DossierFact.objects.filter(pk=fact.pk).update(digitized=1 - fact.digitized)
    report = consistency.check()
    assert not report.ok
    assert any("received" in m for m in report.mismatches)
    assert any("digitized" in m for m in report.mismatches)
    with pytest.raises(SystemExit) as exc:
        call_command("check_aggregates", "--quiet")
    assert exc.value.code == 1
    capsys.readouterr()
    before = sorted(ProcedureTally.objects.values_list("scope_id", "procedure_id", "grain",
                                                      "start", "received"))  # fmt: skip
    call_command("rebuild_monitoring")
    call_command("check_aggregates", "--quiet")
    assert "khớp hoàn toàn" in capsys.readouterr().out
    after = sorted(ProcedureTally.objects.values_list("scope_id", "procedure_id", "grain",
                                                     "start", "received"))  # fmt: skip
    assert before == after  # the procedure tallies were right all along


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_import_on_postgresql_equals_a_recount(procedure, province, tmp_path):
    report = importer.import_file(random_import(tmp_path / "ls.csv", n=120), fast=True)
    assert report.imported == 120
    assert Dossier.objects.filter(code__startswith="LS-").count() == 120
    assert consistency.check().ok
    again = importer.import_file(tmp_path / "ls.csv", fast=True)
    assert (again.imported, again.skipped) == (0, 120)


def naive_by_procedure(scope, first, last, names):
    """Per procedure, the counters of ``scope``'s subtree summed fact by fact in Python, each
    counter on its role's day (an independent reading of what the tallies and edges hold)."""
    from motcua.monitoring.counters import BY_NAME, ROLE_DAY

    found: dict = {}
    for f in DossierFact.objects.all():
        if not (f.unit_path.startswith(scope.path) or f.receiving_path.startswith(scope.path)):
            continue
        for n in names:
            day = getattr(f, ROLE_DAY[BY_NAME[n].role])
            if day is not None and first <= day <= last and getattr(f, n):
                row = found.setdefault(f.procedure_id, dict.fromkeys(names, 0))
                row[n] += getattr(f, n)
    return found


def test_ranges_cut_mid_month_equal_a_recount_per_procedure(busy, province):
    from motcua.monitoring import sums

    assert consistency.check().ok  # every fact in place: the recount below reads them
    assert DossierFact.objects.count() == Dossier.objects.count()
    names = ["received", "submitted_online", "paid_online", "fee_due", "vneid", "e_result",
             "fin_late", "closed", "returned"]  # fmt: skip
    units = [province[k] for k in ("root", "commune_a", "commune_a_center", "commune_b")]
    rng = random.Random(3)
    ranges = [("2026-02-10", "2026-03-20"), ("2026-02-03", "2026-02-26"),
              ("2026-03-31", "2026-04-01"), ("2026-01-15", "2026-05-14")]  # fmt: skip
    for _ in range(6):
        a = at("2026-01-20 00:00").date() + timedelta(days=rng.randrange(0, 100))
        ranges.append((a.isoformat(), (a + timedelta(days=rng.randrange(0, 70))).isoformat()))
    for first, last in ranges:
        period = periods.parse(first, last)
        rows = sums.scope_rows(units, period.first, period.last, ("procedure_id",), names)
        used = sums.procedures_with(units, period.first, period.last, names)
        for unit in units:
            expected = naive_by_procedure(unit, period.first, period.last, names)
            got = {
                pid: values
                for (pid,), values in rows.get(unit.pk, {}).items()
                if any(values.values())
            }
            assert got == expected, (first, last, unit.code)
            for n in names:
                with_n = {pid for pid, values in expected.items() if values[n]}
                assert used[n].get(unit.pk, set()) == with_n, (first, last, unit.code, n)
