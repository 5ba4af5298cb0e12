"""Reading a page of rows as plain values, fast: for lists that show a hundred rows at once.

Two costs dominate such a read in Django on PostgreSQL, and neither is the database's:

- ``pk__in=[…100 keys]`` prepares each key and writes one placeholder per key, so every page
  sends a different statement text, which psycopg parses anew; ``keyed`` sends the keys as
  one array (``= ANY(%s)``): one text, parsed once per process.
- Django reads ``timestamptz`` with a parser of its own written in Python (to attach its time
  zone), about 4 µs a value — a list page of 100 dossiers has ~600 of them, more CPU than
  everything else the page does with its rows. ``plain_values`` reads them with psycopg's
  compiled parser: the same moments, in the connection's time zone (UTC, as Django sets it).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Lookup, QuerySet


class _AnyOf(Lookup):
    """``column = ANY(%s)`` with a list as its one parameter (PostgreSQL arrays)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def keyed(qs: QuerySet, keys) -> QuerySet:
    """``qs`` narrowed to the rows whose primary key is in ``keys``."""
    if connections[qs.db].vendor == "postgresql":
        return qs.filter(_AnyOf(F("pk"), list(keys)))
    return qs.filter(pk__in=keys)


def plain_values(qs: QuerySet) -> list[tuple]:
    """``list(qs)`` of a ``values_list`` query whose columns Django does not convert (text,
    numbers, keys, times — not JSON), with times parsed by psycopg's compiled parser."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return list(qs)
    try:
        sql, params = qs.query.get_compiler(qs.db).as_sql()
    except EmptyResultSet:  # e.g. no keys asked for
        return []
    with connection.cursor() as cursor:
        _compiled_times(cursor.cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compiled_times(cursor) -> None:
    from psycopg.types.datetime import TimestamptzLoader  # psycopg's C version when installed

    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
