"""Reading a page of rows by key as plain values, fast: for lists of a hundred rows.

Three costs dominated such a read in Django on PostgreSQL, none of them the database's:

- building the statement: Django compiles a 20-column query anew for every page, though
  only the keys change. ``ByKeys`` sends the keys as one array (``= ANY(%s)``), so the text
  never changes: it is built once per process (and psycopg parses it once).
- ``pk__in=[…100 keys]`` prepares each key and writes one placeholder per key.
- Django reads ``timestamptz`` with a parser of its own written in Python (to attach its time
  zone), about 4 µs a value — a page of 100 dossiers has ~600 of them, more CPU than
  everything else the page does with its rows. ``ByKeys`` reads them with psycopg's compiled
  parser: the same moments, in the connection's time zone (UTC, as Django sets it).

Elsewhere (SQLite) it is the plain queryset.
"""

import functools

from django.db import connections
from django.db.models import F, Lookup, QuerySet


class _AnyOf(Lookup):
    """``column = ANY(%s)`` with a list as its one parameter (PostgreSQL arrays)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class ByKeys:
    """The rows of a ``values_list`` query whose primary key is in the keys asked for, in no
    particular order. Its columns must be ones Django does not convert on PostgreSQL (text,
    numbers, keys, booleans, times — not JSON)."""

    def __init__(self, qs: QuerySet):
        self.qs = qs
        self._statements: dict[str, str] = {}  # by database alias

    def __call__(self, keys) -> list[tuple]:
        keys = list(keys)
        connection = connections[self.qs.db]
        if connection.vendor != "postgresql":
            return list(self.qs.filter(pk__in=keys))
        with connection.cursor() as cursor:
            _compiled_times(cursor.cursor)
            cursor.execute(self._statement(), [keys])
            return cursor.fetchall()

    def _statement(self) -> str:
        found = self._statements.get(self.qs.db)
        if found is None:
            query = self.qs.filter(_AnyOf(F("pk"), [])).query
            found, params = query.get_compiler(self.qs.db).as_sql()
            assert list(params) == [[]], "the keys must be the statement's only parameter"
            self._statements[self.qs.db] = found
        return found


def _compiled_times(cursor) -> None:
    from psycopg.types.datetime import TimestamptzLoader  # psycopg's C version when installed

    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


# --- model instances from a written-out statement -----------------------------------------


def columns(model, alias: str, skip: tuple[str, ...] = ()) -> str:
    """``alias."column", …`` of every concrete field of ``model`` but those named in
    ``skip`` (left deferred), in ``load``'s order."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _fields(model, skip))


def load(model, values, using: str = "default", skip: tuple[str, ...] = ()):
    """The ``model`` instance whose ``columns`` were read as ``values``: converted as the ORM
    converts them (SQLite's text times, its 0/1 booleans) and marked as loaded from the
    database, so saving it updates its row."""
    values = list(values)
    connection = connections[using]
    for i, converters, col in _converters(model, using, skip):
        for convert in converters:
            values[i] = convert(values[i], col, connection)
    return model.from_db(using, [f.attname for f in _fields(model, skip)], values)


def width(model, skip: tuple[str, ...] = ()) -> int:
    """How many values ``columns(model, …, skip)`` reads: where the next model's begin."""
    return len(_fields(model, skip))


@functools.cache
def _fields(model, skip: tuple[str, ...]) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in skip]


@functools.cache
def _converters(model, using: str, skip: tuple[str, ...]) -> list[tuple]:
    """(position, converters, column) of each of ``model``'s columns the ORM converts."""
    connection = connections[using]
    found = []
    for i, field in enumerate(_fields(model, skip)):
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            found.append((i, converters, col))
    return found
