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

The statements written out here, run on every request, are prepared once per connection on
PostgreSQL (``run``, ``prepared_cursor``): the server then neither parses nor plans them
again. Planning cost the server more than running them — 510 µs against 60 µs for the API's
caller, 790 µs against 77 µs for the tracking lookup (bench/README.md) — and psycopg need
not write the values into the text. Prepared statements live in the server's session: behind
a transaction-pooling PgBouncer, set ``MOTCUA_DB_PREPARED=0`` (or use PgBouncer ≥ 1.21 with
``max_prepared_statements``).
"""

import functools
import itertools
import re

import psycopg
from django.db import connection, connections
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
        with prepared_cursor() as cursor:
            _compiled_times(cursor.cursor)
            cursor.execute(_numbered(self._statement()), [keys])
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


def others(model, *kept: str) -> tuple[str, ...]:
    """The names of ``model``'s fields other than ``kept``: a ``skip`` that reads only those."""
    return tuple(f.name for f in model._meta.concrete_fields if f.name not in kept)


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


# --- statements prepared once per connection ------------------------------------------------


def run(statement: str, params: list) -> list[tuple]:
    """The rows of a written-out ``statement`` (``%s`` placeholders) run with ``params``:
    prepared on PostgreSQL, through an ordinary cursor elsewhere."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []
    with prepared_cursor() as cursor:
        cursor.execute(_numbered(statement), params)
        # not ``description``: psycopg builds an object per column for it, a hundred for a
        # dossier with its version and units, costlier than the rows
        return cursor.fetchall() if cursor.cursor.rownumber is not None else []


@functools.cache
def _numbered(statement: str) -> str:
    """``%s`` → ``$1``, ``$2``…: PostgreSQL's own placeholders, which psycopg passes on (and
    ``%%`` → ``%``, as psycopg reads a ``%s`` statement)."""
    n = itertools.count(1)
    return re.sub("%[s%]", lambda m: "%" if m[0] == "%%" else f"${next(n)}", statement)


class _Prepared(psycopg.RawCursor):
    """Server-side binding with PostgreSQL's own ``$n`` placeholders, so psycopg does not
    parse the statement each time (it caches that only for up to 50 parameters), prepared
    on first use (unless ``MOTCUA_DB_PREPARED=0``: Django's connection then has no
    ``prepare_threshold`` and psycopg prepares nothing)."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True, **kwargs)

    def _maybe_prepare_gen(self, pgq, **kwargs):
        # psycopg keeps the statement's text only when it runs unprepared; Django's query log
        # (tests, debug pages) reads it there
        self._query = pgq
        return super()._maybe_prepare_gen(pgq, **kwargs)


def prepared_cursor():
    """A prepared-statement cursor (PostgreSQL, ``$n`` placeholders) in Django's wrapper:
    query logging, ``execute_wrapper`` instrumentation and error translation apply as to any
    other statement."""
    connection.ensure_connection()
    raw = _Prepared(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
