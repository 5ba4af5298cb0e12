"""Real parallel transactions on PostgreSQL: the invariants that only break under load.

Each worker is a thread with its own database connection, so the transactions truly
overlap in the server (row locks, unique indexes, READ COMMITTED re-checks). SQLite
serialises writers, so there these tests would prove nothing; they are skipped.
"""

import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from motcua.catalog import services as catalog
from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import CodeSequence, Dossier, Event
from motcua.dossiers.signals import dossier_changed
from tests.factories import at, intake, make_version

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WHEN = "2026-03-02 09:00"
DESK = "000.01.31.H99"  # the commune desk of the `province` fixture


def in_parallel(workers: int, job) -> list:
    """Run ``job(i)`` in ``workers`` threads released together; each thread uses (and then
    closes) its own connection. Returns each call's result or the exception it raised."""
    gate = threading.Barrier(workers, timeout=30)
    results: list = [None] * workers

    def run(i: int) -> None:
        try:
            gate.wait()
            results[i] = job(i)
        except BaseException as exc:  # the caller asserts on what was raised
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait or deadlock)"
    return results


@pytest.fixture
def procedure(province, decision):
    version = make_version(units=[province["commune_a"], province["commune_b"]])
    return catalog.publish(version, decision)


@pytest.fixture
def receiver(province, make_official):
    return make_official("tiepnhan", "RECEIVER", province["commune_a_center"])


@pytest.fixture
def fail_marked_receipts():
    """A listener that fails any dossier whose applicant is «Hủy Giao Dịch» — *after* its
    code was taken, inside its transaction — so the test sees numbers given back."""

    def listener(dossier, event, **_):
        if dossier.applicant_name == "Hủy Giao Dịch":
            raise RuntimeError("rolled back on purpose")

    dossier_changed.connect(listener, dispatch_uid="concurrency-test-failer")
    yield
    dossier_changed.disconnect(dispatch_uid="concurrency-test-failer")


def test_parallel_receipts_get_unique_gapless_codes(
    procedure, receiver, province, fail_marked_receipts
):
    workers, per_worker = 16, 10
    desk = province["commune_a_center"]

    def job(i: int) -> list[str]:
        user = get_user_model().objects.get(pk=receiver.pk)
        codes = []
        for n in range(per_worker + 1):
            form = intake(procedure)
            if n == per_worker // 2:  # one receipt per worker fails after taking its number
                form.applicant["name"] = "Hủy Giao Dịch"
                with pytest.raises(RuntimeError):
                    services.receive_at_counter(user, desk, form, now=at(WHEN))
                continue
            codes.append(services.receive_at_counter(user, desk, form, now=at(WHEN)).code)
        return codes

    results = in_parallel(workers, job)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    codes = [c for r in results for c in r]
    total = workers * per_worker
    expected = [f"{DESK}-260302-{n:04d}" for n in range(1, total + 1)]
    assert sorted(codes) == expected  # unique, and exactly 0001..0160: no gap, no repeat
    assert sorted(Dossier.objects.values_list("code", flat=True)) == expected
    assert CodeSequence.objects.get(agency_code=DESK).last == total
    for r in results:  # each worker saw its own numbers rise
        assert r == sorted(r)
    per_dossier = Counter(Event.objects.values_list("dossier_id", "seq", "action"))
    assert len(per_dossier) == total and set(per_dossier.values()) == {1}
    assert {(seq, action) for _, seq, action in per_dossier} == {(1, "receive")}


def test_conflicting_transitions_have_one_winner(procedure, receiver, province):
    d = services.receive_at_counter(
        receiver, province["commune_a_center"], intake(procedure), now=at(WHEN)
    )
    version = d.row_version

    def forward(i: int):
        return services.act(
            d.code, "forward", receiver, expected_version=version, now=at("2026-03-02 10:00")
        ).row_version

    results = in_parallel(12, forward)

    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert won == [version + 1]
    assert all(isinstance(e, Conflict) for e in lost), lost
    assert {e.code for e in lost} <= {"dossier_changed", "illegal_transition"}
    d.refresh_from_db()
    assert (d.state, d.step_order, d.row_version) == ("IN_PROCESS", 2, version + 1)
    assert list(d.events.values_list("seq", "action")) == [(1, "receive"), (2, "forward")]


def test_racing_terminal_actions_without_a_version_have_one_winner(procedure, receiver, province):
    """No version given (a second screen, an API client): the row lock alone decides, and
    the losers find the dossier already withdrawn."""
    d = services.receive_at_counter(
        receiver, province["commune_a_center"], intake(procedure), now=at(WHEN)
    )

    def withdraw(i: int):
        return services.act(
            d.code, "withdraw", receiver, reason=f"Yêu cầu số {i}", now=at("2026-03-02 11:00")
        ).state

    results = in_parallel(12, withdraw)

    assert [r for r in results if not isinstance(r, BaseException)] == ["WITHDRAWN"]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(lost) == 11
    assert all(isinstance(e, Conflict) and e.code == "illegal_transition" for e in lost), lost
    assert list(d.events.values_list("action", flat=True)) == ["receive", "withdraw"]


def test_raced_idempotency_key_makes_one_dossier(procedure, province):
    citizen = get_user_model().objects.create_user("congdan", password="pw-for-tests-only")

    def submit(i: int):
        return services.submit_online(
            citizen,
            province["commune_a_center"],
            intake(procedure),
            idempotency_key="nop-lan-1-6f1c",
            now=at(WHEN),
        ).pk

    results = in_parallel(10, submit)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert len(set(results)) == 1
    d = Dossier.objects.get()
    assert d.pk == results[0] and d.code == f"{DESK}-260302-0001" and d.state == "SUBMITTED"
    assert CodeSequence.objects.get(agency_code=DESK).last == 1  # losers gave their number back
    assert list(Event.objects.values_list("action", flat=True)) == ["submit"]
