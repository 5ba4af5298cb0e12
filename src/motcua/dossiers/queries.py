"""Reading dossiers: what a user may see, and the public tracking lookup."""

import functools
import re
import time

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, connections
from django.db.models import F, Q, QuerySet

from motcua.agencies import scope
from motcua.agencies.models import Unit
from motcua.catalog.models import ProcedureVersion
from motcua.core import attempts
from motcua.core import rows as db_rows
from motcua.core.errors import NotFound, TooManyAttempts

from .models import Dossier, Event


def visible_to(user) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see: those received, resolved or now held by a unit their
    roles cover; a citizen sees their own. Each branch is an indexed prefix scan."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return _visible(user, scope.unit_paths(user))


def _visible(user, paths: list[str]) -> QuerySet[Dossier]:
    if "/" in paths:
        return Dossier.objects.all()
    q = Q(owner=user)
    for p in paths:
        q |= under(p)
    return Dossier.objects.filter(q)


def under(path: str) -> Q:
    """Dossiers received, resolved or now held in the subtree at ``path`` (each an indexed
    prefix scan)."""
    return (
        Q(receiving_path__startswith=path)
        | Q(competent_path__startswith=path)
        | Q(current_path__startswith=path)
    )


# A procedure version's long texts: never shown beside a dossier, and the bulk of its row.
LONG_TEXTS = ("description", "procedure_steps", "methods", "conditions", "legal_basis",
              "search_name", "search_body", "result_name")  # fmt: skip

# The order of every official's list: nearest due date first, undated last, then by key.
DUE_ORDER = (F("due_at").asc(nulls_last=True), "pk")
UNIT_COLUMNS = ("receiving_unit", "competent_unit", "current_unit")
# Up to this many units in a user's scope, their list is read unit by unit (first_visible).
NARROW_SCOPE = 12


def first_visible(user, qs: QuerySet[Dossier], count: int) -> list[int]:
    """Keys of the first ``count`` dossiers of ``qs`` (filtered, not ordered) that ``user``
    may see, in ``DUE_ORDER``.

    Walking the due-date index and dropping what the user may not see costs in proportion
    to how little they see: a division seeing 1% of a million dossiers walks ~10 000 rows
    for a page, one seeing none walks all million. A narrow scope is read instead from the
    (unit, due date) indexes — the first ``count`` of each of its units in each role
    (received, resolving, now holding) and the user's own, merged — so a page costs the
    same whatever the unit's share. A wide scope sees most dossiers: the walk is short."""
    if not getattr(user, "is_authenticated", False):
        return []
    paths = scope.unit_paths(user)
    condition = _own_condition(qs) if _narrow(paths) else None
    if condition is None:
        ordered = (qs & _visible(user, paths)).order_by(*DUE_ORDER)
        return list(ordered.values_list("pk", flat=True)[:count])
    return _merged(user, paths, condition, count, qs.db)


def _merged(user, paths: list[str], condition: tuple[str, list], count: int, db: str):
    """The first ``count`` of each unit under ``paths`` in each role (an index scan each) and
    the user's own, merged and cut to ``count`` by the database, in one statement."""
    where, params = condition
    by_unit = (f"""
        UNION (SELECT p.due_at, p.id FROM scope CROSS JOIN LATERAL (
            SELECT due_at, id FROM dossiers_dossier WHERE {column}_id = scope.id AND ({where})
            ORDER BY due_at NULLS LAST, id LIMIT %s) p)""" for column in UNIT_COLUMNS)  # fmt: skip
    sql = f"""
        WITH scope AS (SELECT id FROM agencies_unit WHERE path LIKE ANY(%s))
        SELECT id FROM (
            (SELECT due_at, id FROM dossiers_dossier WHERE owner_id = %s AND ({where})
             ORDER BY due_at NULLS LAST, id LIMIT %s){"".join(by_unit)}
        ) page ORDER BY due_at NULLS LAST, id LIMIT %s"""  # fmt: skip
    patterns = _subtree_patterns(paths)
    args = [patterns, user.pk, *params, count] + [*params, count] * len(UNIT_COLUMNS) + [count]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, args)
        return [pk for (pk,) in cursor.fetchall()]


def _own_condition(qs: QuerySet[Dossier]) -> tuple[str, list] | None:
    """``qs``'s filter as SQL on the dossier table's own columns, for ``first_visible``'s
    merged statement (written by hand: Django compiled one subquery per unit and role, a
    third of a list page's time); None when it needs another table or matches nothing
    (the walk's own statement knows those cases)."""
    query = qs.query
    if set(query.alias_map) - {Dossier._meta.db_table}:
        return None
    try:
        where, params = query.get_compiler(qs.db).compile(query.where)
    except FullResultSet:
        return "TRUE", []
    except EmptyResultSet:
        return None
    return where or "TRUE", list(params)


def _narrow(paths: list[str]) -> bool:
    """Whether ``paths`` cover at most ``NARROW_SCOPE`` units (never on a database other than
    PostgreSQL: the merged statement reads arrays and LATERAL joins).

    Only the plan depends on the answer — the merged statement reads the scope's units
    itself, so both plans give the same page — hence it is kept per process: for
    ``SCOPE_SECONDS``, and until a unit or role changes in this process."""
    if connection.vendor != "postgresql" or "/" in paths:
        return False
    key = (scope.generation(), tuple(paths))
    now = time.monotonic()
    known = _scope_sizes.get(key)
    if known is None or now - known[0] > SCOPE_SECONDS:
        if len(_scope_sizes) > 10_000:  # as many scopes as officials; a bound all the same
            _scope_sizes.clear()
        known = _scope_sizes[key] = (now, _units_under(paths))
    return known[1] <= NARROW_SCOPE


SCOPE_SECONDS = 60
_scope_sizes: dict[tuple, tuple[float, int]] = {}


def _units_under(paths: list[str]) -> int:
    """How many units lie under ``paths``, counted up to ``NARROW_SCOPE + 1``."""
    patterns = _subtree_patterns(paths)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM agencies_unit WHERE path LIKE ANY(%s) LIMIT %s) u",
            [patterns, NARROW_SCOPE + 1],
        )
        return cursor.fetchone()[0]


def _subtree_patterns(paths: list[str]) -> list[str]:
    """``LIKE`` patterns for every unit under ``paths`` (``path LIKE ANY(…)``)."""
    return [_like_escaped(p) + "%" for p in paths]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


TRACKING_WINDOW = 600  # seconds over which failed lookups are counted


def track(code: str, second_factor: str, *, client: str = "") -> Dossier:
    """Public lookup by code plus the applicant's phone or identity number.

    A wrong code and a wrong second factor give the same answer, so a code alone tells a
    stranger nothing (not even that it exists). After ``MOTCUA_TRACKING_MISSES`` failures
    on a code, or from a ``client`` (its address), within ten minutes, lookups of that code
    or from that client are refused until the window passes (``core.attempts``).
    """
    code = code.strip()
    keys = {"code": code, "client": client} if client else {"code": code}
    if attempts.blocked(settings.MOTCUA_TRACKING_MISSES, **keys):
        raise TooManyAttempts(
            "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
            code="too_many_attempts",
        )
    factor = _digits(second_factor)
    dossier = _tracked(code)
    if dossier and len(factor) >= 9:
        phone = _digits(dossier.applicant_phone)
        if factor in (_digits(dossier.applicant_id_number), phone, "84" + phone[1:]):
            return dossier
    attempts.missed(TRACKING_WINDOW, **keys)
    raise NotFound(
        "Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.", code="dossier_not_found"
    )


# The lookup's two statements, written out and prepared (core.rows.run): Django took longer
# to build them (every column of a dossier, its version and units) than PostgreSQL took to
# answer them, and PostgreSQL longer to plan them than to run them. Of a unit the lookup
# shows only the name; its other columns are read if ever asked for.
UNIT_DETAILS = db_rows.others(Unit, "id", "code", "name")


def _tracked(code: str) -> Dossier | None:
    """The dossier with ``code``, its version (without its long texts) and receiving unit (its
    name) in place."""
    found = db_rows.run(_tracked_statement(), [code])
    if not found:
        return None
    found = found[0]
    dossier_end = db_rows.width(Dossier)
    version_end = dossier_end + db_rows.width(ProcedureVersion, LONG_TEXTS)
    dossier = db_rows.load(Dossier, found[:dossier_end])
    dossier.version = db_rows.load(
        ProcedureVersion, found[dossier_end:version_end], skip=LONG_TEXTS
    )
    dossier.receiving_unit = db_rows.load(Unit, found[version_end:], skip=UNIT_DETAILS)
    return dossier


@functools.cache
def _tracked_statement() -> str:
    return f"""
        SELECT {db_rows.columns(Dossier, "d")},
               {db_rows.columns(ProcedureVersion, "v", skip=LONG_TEXTS)},
               {db_rows.columns(Unit, "r", skip=UNIT_DETAILS)}
        FROM {Dossier._meta.db_table} d
        JOIN {ProcedureVersion._meta.db_table} v ON v.id = d.version_id
        JOIN {Unit._meta.db_table} r ON r.id = d.receiving_unit_id
        WHERE d.code = %s"""


def history(dossier: Dossier) -> list[Event]:
    """``dossier``'s events in order, each with its unit (its name) in place."""
    found = db_rows.run(_history_statement(), [dossier.pk])
    split = db_rows.width(Event)
    events = []
    for values in found:
        event = db_rows.load(Event, values[:split])
        event.unit = (
            db_rows.load(Unit, values[split:], skip=UNIT_DETAILS) if values[split] else None
        )
        events.append(event)
    return events


@functools.cache
def _history_statement() -> str:
    return f"""
        SELECT {db_rows.columns(Event, "e")}, {db_rows.columns(Unit, "u", skip=UNIT_DETAILS)}
        FROM {Event._meta.db_table} e LEFT JOIN {Unit._meta.db_table} u ON u.id = e.unit_id
        WHERE e.dossier_id = %s ORDER BY e.seq"""
