"""Rolling changed dossiers up into facts and tallies: in batches, outside their transactions.

A change of a dossier (or of its rating) only *notes* that the dossier changed: ``note``, one
append-only INSERT into ``PendingChange``, inside the change's own transaction. ``catch_up``
takes the notes in batches, rebuilds each noted dossier's fact from its current committed
state (``facts.build``, with a few set-based queries per batch), writes the facts that differ
and moves the tallies by one ``Delta`` for the whole batch. Hence:

- a figure never counts a rolled-back change (its note was rolled back with it) and never
  misses a committed one (its note was committed with it and waits for the next roll-up);
- rolling up is idempotent and indifferent to the order of changes: a dossier noted three
  times is rebuilt once, from what it is now; a note of a transaction still open is simply
  taken by a later roll-up;
- receipts no longer update the province's hot tally rows in their own transactions, so they
  no longer queue behind each other on those rows until commit;
- roll-ups run one at a time (PostgreSQL: a transaction-level advisory lock; SQLite lets one
  writer in at a time already), so the old fact a difference is taken from is always the one
  the tallies hold;
- every reader of facts or tallies calls ``catch_up`` first (one indexed query when nothing
  is pending), so the figures include every change committed before they were asked for.

Between reads the queue is kept short by the Celery task ``monitoring.rollup`` (every
``MOTCUA_ROLLUP_SECONDS``) or by ``python -m motcua rollup-monitoring --loop 2``.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from motcua.agencies.signals import rebase, rebased
from motcua.core import rows
from motcua.dossiers.models import State

from .facts import build, dossiers_with_inputs
from .models import DossierFact, PendingChange
from .tallies import Delta, ensure_pairs

BATCH = 1000  # notes per transaction: big enough to share tally rows, short enough to lock
LOCK_KEY = 7660001  # pg_advisory_xact_lock key of roll-ups (any number no one else uses)
FIELDS = [f.attname for f in DossierFact._meta.concrete_fields if not f.primary_key]


@dataclass
class Progress:
    notes: int = 0  # queue rows taken
    dossiers: int = 0  # dossiers rebuilt (a dossier noted in two batches counts twice)
    facts: int = 0  # fact rows written or removed
    tally_rows: int = 0  # tally rows moved

    def add(self, other: "Progress") -> None:
        self.notes += other.notes
        self.dossiers += other.dossiers
        self.facts += other.facts
        self.tally_rows += other.tally_rows


def note(dossier_id: int) -> None:
    """Note, in the current transaction, that a dossier changed (written out and prepared:
    this runs in every receipt, and the ORM would cost more than the insert)."""
    table = connection.ops.quote_name(PendingChange._meta.db_table)
    rows.run(f"INSERT INTO {table} (dossier_id) VALUES (%s)", [dossier_id])


_settled: ContextVar[bool] = ContextVar("monitoring_settled", default=False)


@contextmanager
def settled():
    """Within: ``catch_up`` does nothing. For the parts of one page reading one snapshot
    (``together``), caught up once just before it was taken: a roll-up inside the
    snapshot's REPEATABLE READ transactions could not see its own result (nor other
    roll-ups' commits) and could fail to serialize against them."""
    token = _settled.set(True)
    try:
        yield
    finally:
        _settled.reset(token)


def catch_up(*, batch: int = BATCH) -> Progress:
    """Roll up every note committed before the call (and this transaction's own)."""
    done = Progress()
    if _settled.get():
        return done
    last = _last_note()
    if last is None:
        return done
    # Notes written after the call started are left to the next one, so a reader under a
    # steady stream of receipts never chases the queue's tail.
    while True:
        step = _roll_batch(last, batch)
        done.add(step)
        if step.notes < batch:
            return done


def _last_note() -> int | None:
    table = connection.ops.quote_name(PendingChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        return cursor.fetchone()[0]


def _roll_batch(last: int, size: int) -> Progress:
    with transaction.atomic():
        lock()
        dossier_ids = _take(last, size)
        step = roll(dossier_ids) if dossier_ids else Progress()
        step.notes = len(dossier_ids)
        return step


def lock() -> None:
    """Wait until no other roll-up (or rebuild) runs; held until this transaction ends.
    Taken before the first read, so every later statement sees the previous roll-up's
    facts and tallies (READ COMMITTED reads what was committed when each statement began)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _take(last: int, size: int) -> list[int]:
    """Delete the oldest notes up to ``last`` and return their dossier ids."""
    table = connection.ops.quote_name(PendingChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN "
            f"(SELECT id FROM {table} WHERE id <= %s ORDER BY id LIMIT %s) RETURNING dossier_id",
            [last, size],
        )
        return [row[0] for row in cursor.fetchall()]


def roll(dossier_ids: list[int]) -> Progress:
    """Rebuild the facts of ``dossier_ids`` from the dossiers as they are now; write those
    that changed; move the tallies by the sum of the differences. Call under ``lock``."""
    ids = sorted(set(dossier_ids))
    old = DossierFact.objects.in_bulk(ids)
    new = {
        d.pk: build(d, events, extras)
        for d, events, extras in dossiers_with_inputs(ids)
        if d.state != State.DRAFT  # a draft is not counted (nor is a deleted dossier)
    }
    delta = Delta()
    written, removed = [], []
    for pk in ids:
        before, after = old.get(pk), new.get(pk)
        if after is None:
            if before is None:
                continue
            removed.append(pk)
        elif before is not None and all(getattr(before, f) == getattr(after, f) for f in FIELDS):
            continue  # most steps of a dossier change no counter at all
        else:
            written.append(after)
        delta.change(before, after)
    if removed:
        DossierFact.objects.filter(pk__in=removed).delete()
    for i in range(0, len(written), FACT_ROWS):
        _upsert_facts(written[i : i + FACT_ROWS])
    return Progress(dossiers=len(ids), facts=len(written) + len(removed), tally_rows=delta.apply())


def refile(old_path: str, new_path: str) -> int:
    """A unit moved, with its subtree, from ``old_path`` to ``new_path`` (communes merged, a
    division moved): the facts of dossiers resolved or received in it take the new paths, and
    their counts leave the tallies of the units above its old place for those above the new
    one (the units above both keep theirs). In the move's transaction, under ``lock``;
    returns the tally rows moved."""
    lock()
    moved = DossierFact.objects.filter(
        Q(unit_path__startswith=old_path) | Q(receiving_path__startswith=old_path)
    )
    delta = Delta()
    for fact in moved.iterator(chunk_size=2000):
        delta.add(fact, -1)
        fact.unit_path = rebased(fact.unit_path, old_path, new_path)
        fact.receiving_path = rebased(fact.receiving_path, old_path, new_path)
        delta.add(fact, +1)
    rebase(DossierFact.objects.all(), ("unit_path", "receiving_path"), old_path, new_path)
    pattern = new_path + "%"  # paths are digits and slashes: nothing to escape
    ensure_pairs("(f.unit_path LIKE %s OR f.receiving_path LIKE %s)", [pattern, pattern])
    return delta.apply()


# 66 columns × 400 rows stay under SQLite's 32 766 parameters a statement.
FACT_ROWS = 400


def _upsert_facts(rows: list[DossierFact]) -> None:
    """Insert or replace fact rows in one statement. Not ``bulk_create``: it prepares each of
    the 66 values of a row through its field, which cost more than the rest of a roll-up;
    the values ``facts.build`` makes are plain already."""
    fields = DossierFact._meta.concrete_fields
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    updates = ", ".join(
        f"{qn(f.column)} = excluded.{qn(f.column)}" for f in fields if not f.primary_key
    )
    source, params = (_as_arrays if connection.vendor == "postgresql" else _as_values)(rows)
    sql = (
        f"INSERT INTO {qn(DossierFact._meta.db_table)} ({columns}) {source} "
        f"ON CONFLICT ({qn(DossierFact._meta.pk.column)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _as_arrays(rows: list[DossierFact]) -> tuple[str, list]:
    """PostgreSQL: one array a column (66 parameters, however many rows; psycopg parses a
    statement of thousands of placeholders slower than the database runs it)."""
    fields = DossierFact._meta.concrete_fields
    casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    params = [[row.__dict__[f.attname] for row in rows] for f in fields]
    return f"SELECT * FROM unnest({casts})", params


def _as_values(rows: list[DossierFact]) -> tuple[str, list]:
    """SQLite: rows of values; dates and moments in the form Django stores them (text)."""
    ops = connection.ops
    adapt = {"DateTimeField": ops.adapt_datetimefield_value, "DateField": ops.adapt_datefield_value}
    fields = DossierFact._meta.concrete_fields
    preps = [(f.attname, adapt.get(f.get_internal_type())) for f in fields]
    params: list = []
    for row in rows:
        values = row.__dict__
        for name, prep in preps:
            value = values[name]
            params.append(prep(value) if prep and value is not None else value)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return "VALUES " + ", ".join([one] * len(rows)), params


def forget_all() -> int:
    """Drop every visible note; for ``consistency.rebuild``, which rebuilds every dossier
    after this in the same transaction (call under ``lock``)."""
    return PendingChange.objects.all().delete()[0]
