"""The roll-up: a change only notes its dossier in its own transaction; facts and tallies are
rolled up in batches, before every read and in the background, and always equal a recount."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, State
from motcua.monitoring import consistency, drill, index, periods, rollup, statistics, tasks
from motcua.monitoring.models import DossierFact, PendingChange, ProcedureTally, UnitTally
from tests.concurrency.test_concurrency_pg import in_parallel
from tests.factories import at, intake
from tests.monitoring.test_monitoring_consistency import random_history

MARCH = periods.month(2026, 3)
NOW = at("2026-04-10 10:00")
MONITORING_TABLES = ("monitoring_dossierfact", "monitoring_unittally", "monitoring_proceduretally")


def receive(people, province, procedure, when="2026-03-02 09:00"):
    return services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure), now=at(when)
    )


def received(unit) -> int:
    return statistics.statistics(unit, MARCH, now=NOW)["figures"]["received"]


def test_a_receipt_writes_its_note_and_no_fact_or_tally(people, province, procedure):
    with CaptureQueriesContext(connection) as queries:
        d = receive(people, province, procedure)
    sql = [q["sql"] for q in queries.captured_queries]
    notes = [s for s in sql if s.startswith('INSERT INTO "monitoring_pendingchange"')]
    assert len(notes) == 1
    assert not [s for s in sql if any(t in s for t in MONITORING_TABLES)]
    assert list(PendingChange.objects.values_list("dossier_id", flat=True)) == [d.pk]
    assert not UnitTally.objects.exists() and not DossierFact.objects.exists()


def test_figures_read_right_after_a_change_include_it(people, province, procedure):
    unit = province["commune_a"]
    assert received(unit) == 0
    d = receive(people, province, procedure)
    assert received(unit) == 1  # no task ran: the reader rolled the change up itself
    assert index.compute(unit, MARCH, now=NOW).received == 1
    listed = drill.dossiers(people["receiver"], unit, "received", MARCH, MARCH.judged_at(NOW))
    assert [x.pk for x in listed] == [d.pk]
    assert not PendingChange.objects.exists()


def test_nothing_pending_costs_one_query(people, province, procedure):
    receive(people, province, procedure)
    rollup.catch_up()
    with CaptureQueriesContext(connection) as queries:
        done = rollup.catch_up()
    assert (done.notes, len(queries)) == (0, 1)


def test_a_rolled_back_change_leaves_no_trace(people, province, procedure):
    unit = province["commune_a"]
    d = receive(people, province, procedure)
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(people, province, procedure, "2026-03-03 09:00")
        services.act(d, "withdraw", people["receiver"], now=at("2026-03-03 10:00"), reason="Rút")
        raise RuntimeError("rolled back")
    assert Dossier.objects.count() == 1
    assert list(PendingChange.objects.values_list("dossier_id", flat=True)) == [d.pk]
    figures = statistics.statistics(unit, MARCH, now=NOW)["figures"]
    assert (figures["received"], figures["withdrawn"], figures["in_progress"]) == (1, 0, 1)
    assert consistency.check().ok


def test_many_changes_rolled_up_in_small_batches_equal_a_recount(
    procedure, people, province, citizen
):
    random_history(procedure, people, province, citizen, seed=3, n=30)
    reverted = Dossier.objects.exclude(state=State.DRAFT).order_by("pk").first()
    rollup.catch_up()  # the reverted dossier has a fact to remove
    Dossier.objects.filter(pk=reverted.pk).update(state=State.DRAFT)
    rollup.note(reverted.pk)
    random_history(procedure, people, province, citizen, seed=4, n=30)  # more notes, new facts
    notes = PendingChange.objects.count()
    dossiers = PendingChange.objects.values("dossier_id").distinct().count()
    assert notes > dossiers + 30  # most dossiers were noted several times

    done = rollup.catch_up(batch=7)
    assert done.notes == notes
    assert dossiers < done.dossiers < notes  # deduplicated within a batch, not across
    assert not PendingChange.objects.exists()
    assert not DossierFact.objects.filter(pk=reverted.pk).exists()
    report = consistency.check()
    assert report.ok, report.mismatches[:5]
    assert report.dossiers == DossierFact.objects.count() == Dossier.objects.count() - 1


def test_a_batch_writes_only_what_changed(people, province, procedure):
    d = receive(people, province, procedure)
    rollup.catch_up()
    tallies = list(UnitTally.objects.order_by("pk").values())
    services.act(d, "forward", people["receiver"], now=at("2026-03-02 09:30"))
    done = rollup.catch_up()  # the step moved (the fact changed), no counter did
    assert (done.notes, done.dossiers, done.facts, done.tally_rows) == (1, 1, 1, 0)
    assert DossierFact.objects.get(pk=d.pk).state == State.IN_PROCESS
    rollup.note(d.pk)
    done = rollup.catch_up()  # noted again, nothing new
    assert (done.notes, done.dossiers, done.facts, done.tally_rows) == (1, 1, 0, 0)
    assert list(UnitTally.objects.order_by("pk").values()) == tallies


def test_the_command_and_the_task_empty_the_queue(people, province, procedure, capsys):
    receive(people, province, procedure)
    call_command("rollup_monitoring")
    assert "Đã tổng hợp 1 thay đổi của 1 hồ sơ" in capsys.readouterr().out
    receive(people, province, procedure, "2026-03-03 09:00")
    assert tasks.roll_up_changes.delay().get() == 1  # eager without a broker
    assert not PendingChange.objects.exists()
    assert DossierFact.objects.count() == 2 and ProcedureTally.objects.exists()


# --- PostgreSQL: roll-ups beside each other and beside receipts -----------------------------


def lifecycle(people, province, procedure, when: str):
    d = receive(people, province, procedure, when)
    for who in ("receiver", "specialist"):
        d = services.act(d, "forward", people[who], now=at(when))
    return services.act(d, "resolve", people["head"], now=at(when), e_result=True)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_roll_up_waits_for_the_one_running(people, province, procedure):
    """Two batches holding the same dossier, rolled up at once, would both add it to the
    tallies (each reads the fact as it was before the other): the second must wait."""
    d = receive(people, province, procedure)
    receive(people, province, procedure, "2026-03-02 10:00")
    rollup.note(d.pk)  # notes: d, the other, d
    held, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def job(i: int):
        if i == 0:  # a roll-up that keeps its batch (the last two notes) open
            with transaction.atomic():
                rollup.lock()
                first = list(PendingChange.objects.order_by("-id")[:2])
                PendingChange.objects.filter(pk__in=[n.pk for n in first]).delete()
                rollup.roll([n.dossier_id for n in first])
                held.set()
                release.wait(10)
            return None
        held.wait(10)
        done = rollup.catch_up(batch=1)  # the first note: d, outside the batch held open
        second_done.set()
        return done

    def releaser():
        held.wait(10)
        time.sleep(0.5)
        waited = not second_done.is_set()
        release.set()
        return waited

    results = in_parallel(3, lambda i: releaser() if i == 2 else job(i))
    assert results[2] is True, "the second roll-up ran while the first held its batch"
    assert results[1].notes == 1  # d again, rebuilt after the first batch committed
    assert consistency.check().ok
    assert received(province["commune_a"]) == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_roll_ups_beside_receipts_count_each_change_once(people, province, procedure):
    makers, rollers = 3, 3
    running = threading.Event()
    finished = []

    def job(i: int):
        if i < makers:
            running.set()
            try:
                for k in range(6):
                    lifecycle(people, province, procedure, f"2026-03-{2 + k:02d} {9 + i:02d}:00")
            finally:
                finished.append(i)  # the roll-ups stop even if a receipt failed
            return None
        running.wait(10)
        rounds = 0
        while len(finished) < makers:
            rollup.catch_up(batch=3)
            rounds += 1
        return rounds

    results = in_parallel(makers + rollers, job)
    assert not [r for r in results if isinstance(r, BaseException)], results
    rollup.catch_up()
    assert consistency.check().ok
    figures = statistics.statistics(province["commune_a"], MARCH, now=NOW)["figures"]
    assert (figures["received"], figures["resolved"]) == (18, 18)
