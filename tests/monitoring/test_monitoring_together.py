"""A page's parts computed at the same time (``together``): on PostgreSQL each part beside the
first runs on its own connection, all reading the snapshot of the first; inside a
transaction, or on SQLite, one after the other. Either way, the same figures."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from motcua.monitoring import rollup, together
from motcua.monitoring.models import UnitTally

A = "000.00.31.H99"  # xã Gia Viễn (commune_a)
MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def workers():
    yield
    together.close()  # the workers' connections, before the test database is flushed


def where_am_i() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0"
        )
        return threading.get_ident(), cursor.fetchone()[0]


def tallied() -> int:
    return UnitTally.objects.filter(start=date(2026, 3, 2)).count()


def commit_elsewhere(scope_id: int) -> None:
    """A tally row committed by another connection (as a roll-up beside the page would)."""

    def write():
        try:
            UnitTally.objects.create(scope_id=scope_id, grain="D", start=date(2026, 3, 2))
        finally:
            connections.close_all()

    t = threading.Thread(target=write)
    t.start()
    t.join(10)


def on_postgres_committed(test):
    """PostgreSQL only, with committed data: the workers' own connections see nothing a
    test's open transaction holds."""
    marks = (
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
        pytest.mark.postgres,
    )
    for mark in marks:
        test = mark(test)
    return test


def at_once_and_in_turn(monkeypatch, fetch):
    """``fetch()`` with the parts at the same time, then one after the other."""
    at_once = fetch()
    monkeypatch.setattr(together, "concurrent", lambda n: False)
    return at_once, fetch()


@on_postgres_committed
def test_parts_run_on_their_own_connections_and_read_one_snapshot(province, workers):
    committed = threading.Event()

    def first():
        commit_elsewhere(province["root"].pk)  # after the snapshot was taken
        committed.set()
        return where_am_i(), tallied()

    def later():
        committed.wait(10)  # reads after the commit, in the snapshot taken before it
        return where_am_i(), tallied()

    found = together.run({"first": first, "second": later, "third": later})
    places = {found[name][0] for name in found}
    assert len(places) == 3, "each part on its own thread and connection"
    assert found["first"][0][0] == threading.get_ident()  # the first part: this thread
    assert [found[name][1] for name in found] == [0, 0, 0]
    assert tallied() == 1  # committed, and seen once the page is done


@on_postgres_committed
def test_a_failing_part_fails_the_page_after_the_others_end(workers):
    done = threading.Event()

    def failing():
        raise ValueError("hỏng")

    def slow():
        done.wait(0.3)
        done.set()
        return tallied()

    with pytest.raises(ValueError):
        together.run({"first": failing, "second": slow})
    assert done.is_set()  # the worker imported the snapshot before it was released
    assert together.run({"first": tallied, "second": tallied}) == {"first": 0, "second": 0}


def test_inside_a_transaction_parts_run_one_after_the_other(db):
    order = []

    def part(name):
        def run():
            order.append(name)
            return threading.get_ident()

        return run

    found = together.run({n: part(n) for n in ("a", "b", "c")})
    assert order == ["a", "b", "c"]
    assert set(found.values()) == {threading.get_ident()}


def test_settled_reads_do_not_roll_up(db, people, province, procedure):
    from motcua.dossiers import services
    from motcua.monitoring.models import PendingChange
    from tests.factories import at, intake

    services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure), now=at("2026-03-02")
    )
    with rollup.settled():
        assert rollup.catch_up().notes == 0
    assert PendingChange.objects.exists()
    assert rollup.catch_up().notes >= 1


@on_postgres_committed
def test_the_dashboard_at_once_equals_one_part_after_the_other(
    client, people, march, workers, monkeypatch
):
    client.force_login(people["head"])

    def page():
        r = client.get(f"/giam-sat/{A}/?{MARCH}")
        assert r.status_code == 200
        c = r.context
        return (
            c["figures"],
            c["result"].as_dict(),
            [(row["code"], row["total"], row["rank"]) for row in c["ranking"]["rows"]],
            c["worst"],
            c["trend_svg"],
            c["received_svg"],
        )

    at_once, in_turn = at_once_and_in_turn(monkeypatch, page)
    assert in_turn == at_once
    assert at_once[0]["received"] == 9  # the March history: received at the commune


@on_postgres_committed
def test_parts_within_parts_share_the_first_snapshot(province, workers):
    """The index inside the dashboard spreads its own reads: on the page's snapshot. Inside
    a worker, parts run one after the other there."""

    def head():
        commit_elsewhere(province["root"].pk)
        return together.run({"a": lambda: (where_am_i(), tallied()), "b": nested_in_worker})

    def nested_in_worker():
        inner = together.run({"x": where_am_i, "y": where_am_i})
        return where_am_i(), tallied(), inner

    found = together.run({"head": head, "other": tallied})
    (a_place, a_count), (b_place, b_count, inner) = found["head"]["a"], found["head"]["b"]
    assert (a_count, b_count, found["other"]) == (0, 0, 0)  # all on the first snapshot
    assert a_place != b_place
    assert inner["x"] == inner["y"] == b_place  # in the worker, one after the other
    assert tallied() == 1


@on_postgres_committed
def test_the_index_api_at_once_equals_one_part_after_the_other(
    client, people, march, workers, monkeypatch
):
    client.force_login(people["head"])

    def body():
        r = client.get(f"/api/v1/monitoring/index?unit={A}&{MARCH}")
        assert r.status_code == 200
        return r.json()

    at_once, in_turn = at_once_and_in_turn(monkeypatch, body)
    assert in_turn == at_once
    assert at_once["received"] == 9
