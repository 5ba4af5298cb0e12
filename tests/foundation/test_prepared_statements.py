"""Statements run on every request are prepared once per connection on PostgreSQL
(``core.rows.run``), and run unprepared, with the same answers, where preparing is off
(``MOTCUA_DB_PREPARED=0``, SQLite)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import rows

STATEMENT = "SELECT code, name FROM agencies_unit WHERE code = %s AND active = %s"


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [s for (s,) in cursor.fetchall()]


def test_a_statement_answers_the_same_on_every_run(province):
    root = province["root"]
    for _ in range(3):
        assert rows.run(STATEMENT, [root.code, True]) == [(root.code, root.name)]
    assert rows.run(STATEMENT, ["không-có", True]) == []
    assert rows.run("SELECT %s || '%%'", ["100"]) == [("100%",)]  # as psycopg reads %%


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_on_postgresql_it_is_prepared_once_and_still_logged(province):
    rows.run(STATEMENT, [province["root"].code, True])
    numbered = "SELECT code, name FROM agencies_unit WHERE code = $1 AND active = $2"
    assert prepared().count(numbered) == 1
    with CaptureQueriesContext(connection) as captured:
        rows.run(STATEMENT, [province["center"].code, True])
    assert prepared().count(numbered) == 1  # run again, not prepared again
    assert [q["sql"] for q in captured.captured_queries] == [numbered]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_with_preparing_off_nothing_is_prepared(province):
    """What ``MOTCUA_DB_PREPARED=0`` leaves on the connection: a transaction-pooling
    PgBouncer hands each transaction to any server session, which would not know the name."""
    connection.ensure_connection()
    threshold, connection.connection.prepare_threshold = (
        connection.connection.prepare_threshold,
        None,
    )
    try:
        root = province["root"]
        unprepared = "SELECT name FROM agencies_unit WHERE code = %s"
        assert rows.run(unprepared, [root.code]) == [(root.name,)]
        assert not [s for s in prepared() if "SELECT name FROM agencies_unit" in s]
    finally:
        connection.connection.prepare_threshold = threshold
