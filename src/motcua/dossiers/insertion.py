"""Writing a new dossier: its code, its row, its components and fees, its first event.

On PostgreSQL the five inserts go as one statement — a data-modifying ``WITH`` that moves
the day's code counter on and writes every row from it — prepared once per connection. A
receipt is then one round trip and one plan instead of six, and the application builds no
statement (Django's building of six inserts cost more CPU than the rows; bench/README.md).
Elsewhere (SQLite, the embedded default) the ORM writes them one by one. Both run in the
caller's transaction and take the same unsaved model instances, so every column's value
comes from the same Python code (``Field.pre_save`` and ``get_db_prep_save``, as the ORM's
own insert).

The statement is prepared once per connection (``core.rows.prepared_cursor``).
"""

from datetime import date
from functools import cache

from django.db import connection
from django.db.models import Model

from motcua.core.rows import prepared_cursor

from .models import CodeSequence, Component, Dossier, DossierFee, Event


def insert(
    dossier: Dossier,
    agency_code: str,
    day: date,
    components: list[Component],
    fees: list[DossierFee],
    event: Event,
) -> None:
    """Allocate the dossier's code (R-CODE-1) and write it with its rows; sets the keys.

    The day's counter row stays locked until the caller's transaction ends, so a rolled-back
    dossier gives its number back and two officials never get the same one."""
    prefix = f"{agency_code}-{day:%y%m%d}-"
    if connection.vendor == "postgresql":
        _insert_in_one_statement(dossier, agency_code, day, prefix, components, fees, event)
    else:
        _insert_with_the_orm(dossier, agency_code, day, prefix, components, fees, event)
    for row in (dossier, event, *components, *fees):
        row._state.adding, row._state.db = False, connection.alias


def code(prefix: str, seq: int) -> str:
    """``<agency e-identifier>-<YYMMDD>-<daily sequence, 4 digits or more>``."""
    return f"{prefix}{seq:04d}"


def _insert_with_the_orm(dossier, agency_code, day, prefix, components, fees, event) -> None:
    dossier.code = code(prefix, _next_number(agency_code, day))
    dossier.save(force_insert=True)
    for row in (*components, *fees, event):
        row.dossier = dossier
    Component.objects.bulk_create(components)
    DossierFee.objects.bulk_create(fees)
    event.save(force_insert=True)


def _next_number(agency_code: str, day: date) -> int:
    """One upsert creates the day's counter row or moves it on, and returns the number."""
    qn = connection.ops.quote_name
    table, last = qn(CodeSequence._meta.db_table), qn("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS s ({qn('agency_code')}, {qn('day')}, {last}) "
            f"VALUES (%s, %s, 1) ON CONFLICT ({qn('agency_code')}, {qn('day')}) "
            f"DO UPDATE SET {last} = s.{last} + 1 RETURNING {last}",
            [agency_code, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


# --- PostgreSQL: one statement ----------------------------------------------------------------


def _insert_in_one_statement(dossier, agency_code, day, prefix, components, fees, event) -> None:
    params = [
        agency_code,
        day,
        prefix,
        *_values(dossier, _columns(Dossier)),
        *_arrays(components, _columns(Component)),
        *_arrays(fees, _columns(DossierFee)),
        *_values(event, _columns(Event)),
    ]
    with prepared_cursor() as cursor:
        cursor.execute(_statement(), params)
        dossier.pk, dossier.code, event.pk = cursor.fetchone()
    for row in (*components, *fees, event):
        row.dossier = dossier


@cache
def _statement() -> str:
    """The statement, numbered ``$1…$n`` in the order of ``_insert_in_one_statement``'s
    parameters. ``VALUES`` lets PostgreSQL type each parameter from its column."""
    qn = connection.ops.quote_name
    dossier, component, fee, event = map(_columns, (Dossier, Component, DossierFee, Event))
    n = iter(range(4, 1000))  # $1–$3: the counter's key and the code's prefix

    def values(fields) -> str:
        return ", ".join(f"${next(n)}" for _ in fields)

    def arrays(fields) -> str:
        return ", ".join(f"${next(n)}::{f.db_type(connection)}[]" for f in fields)

    counter, key, last = qn(CodeSequence._meta.db_table), "agency_code, day", qn("last")
    return f"""
WITH seq AS (
    INSERT INTO {counter} AS s ({key}, {last}) VALUES ($1, $2, 1)
    ON CONFLICT ({key}) DO UPDATE SET {last} = s.{last} + 1 RETURNING {last} AS n
), d AS (
    INSERT INTO {qn(Dossier._meta.db_table)} (code, {_names(dossier)}) VALUES (
        (SELECT $3 || lpad(n::text, greatest(4, length(n::text)), '0') FROM seq),
        {values(dossier)}
    ) RETURNING id, code
), c AS (
    INSERT INTO {qn(Component._meta.db_table)} (dossier_id, {_names(component)})
    SELECT d.id, r.* FROM d, unnest({arrays(component)}) AS r
), f AS (
    INSERT INTO {qn(DossierFee._meta.db_table)} (dossier_id, {_names(fee)})
    SELECT d.id, r.* FROM d, unnest({arrays(fee)}) AS r
), e AS (
    INSERT INTO {qn(Event._meta.db_table)} (dossier_id, {_names(event)})
    VALUES ((SELECT id FROM d), {values(event)}) RETURNING id
)
SELECT d.id, d.code, e.id FROM d, e"""


@cache
def _columns(model: type[Model]) -> tuple:
    """The columns a new row is written with: all but its key, its code and its dossier."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("code", "dossier")
    )


def _names(fields) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


def _values(row: Model, fields) -> list:
    return [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]


def _arrays(rows: list[Model], fields) -> list[list]:
    """One array per column (unnested into rows by the statement)."""
    values = [_values(row, fields) for row in rows]
    return [[v[i] for v in values] for i in range(len(fields))]
