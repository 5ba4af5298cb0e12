"""Computing a page's independent parts at the same time, all on one snapshot.

The dashboard's parts (the index with its ranking, the statistics, the trend, the worst
procedures) read different tallies and facts; one after the other, the database waits for
Python and Python for the database. On PostgreSQL the parts after the first run on a small
pool of threads, each with its own connection, while this thread computes the first — and
every part reads the same snapshot: this thread opens a REPEATABLE READ transaction and
exports its snapshot (``pg_export_snapshot()``), the workers import it (``SET TRANSACTION
SNAPSHOT``), so the page's figures stay mutually consistent, as if read by one statement,
even while roll-ups commit beside them. The roll-up queue is caught up once, before the
snapshot; the parts' own ``catch_up`` calls are then no-ops (``rollup.settled``).

Sequential (same results, one connection) on SQLite, inside a transaction already (tests,
a caller's ``atomic``), or for a single part.
"""

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from contextvars import ContextVar, copy_context
from typing import Any

from django.db import connection, transaction

from . import rollup

WORKERS = 5  # threads beside the request's; each keeps its connection between requests
SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_exported: ContextVar[str | None] = ContextVar("monitoring_snapshot", default=None)
_in_worker: ContextVar[bool] = ContextVar("monitoring_worker", default=False)


def run(parts: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Every part's result by name; the first part runs in this thread. Called again from
    within the first part (the index inside the dashboard), the new parts share the
    snapshot already exported; from within a worker, they run one after the other (a
    worker waiting for workers could wait for ever)."""
    if not concurrent(len(parts)):
        return {name: part() for name, part in parts.items()}
    snapshot = _exported.get()
    if snapshot is not None:
        return _spread(snapshot, parts)
    rollup.catch_up()  # what the snapshot shows includes every change committed before
    with transaction.atomic(), rollup.settled():
        snapshot = _export()
        token = _exported.set(snapshot)
        try:
            return _spread(snapshot, parts)
        finally:
            _exported.reset(token)


def concurrent(n_parts: int) -> bool:
    """May ``n_parts`` parts run at the same time here?"""
    if n_parts < 2 or connection.vendor != "postgresql" or _in_worker.get():
        return False
    return not connection.in_atomic_block or _exported.get() is not None


def _spread(snapshot: str, parts: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    (first, head), *rest = parts.items()
    futures = {name: _submit(snapshot, part) for name, part in rest}
    try:
        found = {first: head()}
    finally:  # the snapshot lives as long as this transaction: keep it for the workers
        wait(futures.values())
    found.update((name, f.result()) for name, f in futures.items())
    return found


def _export() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    if not SNAPSHOT_ID.fullmatch(snapshot):  # written into SET TRANSACTION SNAPSHOT below
        raise ValueError(snapshot)
    return snapshot


def _submit(snapshot: str, part: Callable[[], Any]):
    context = copy_context()  # the worker sees ``rollup.settled`` as this thread does
    return _executor().submit(context.run, _in_snapshot, snapshot, part)


def _in_snapshot(snapshot: str, part: Callable[[], Any]) -> Any:
    """In a worker: the part, in a transaction reading the exported snapshot."""
    _in_worker.set(True)  # in this task's copy of the caller's context only
    connection.close_if_unusable_or_obsolete()  # a worker's connection outlives requests
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # no parameters in SET
        return part()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="giam-sat")
        return _pool


def close() -> None:
    """Close the workers' connections and stop them (tests, before the test database is
    dropped; the next ``run`` starts a new pool)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    barrier = threading.Barrier(WORKERS)

    def close_mine():
        barrier.wait(timeout=10)  # one task per thread: each closes its own connection
        connection.close()

    for future in [pool.submit(close_mine) for _ in range(WORKERS)]:
        future.result()
    pool.shutdown()
