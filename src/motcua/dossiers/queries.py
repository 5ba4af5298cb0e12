"""Reading dossiers: what a user may see, and the public tracking lookup."""

import re

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, connections
from django.db.models import F, Q, QuerySet

from motcua.agencies import scope
from motcua.core import attempts
from motcua.core.errors import NotFound, TooManyAttempts

from .models import Dossier


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
VERSION_TEXTS = tuple(
    f"version__{name}"
    for name in ("description", "procedure_steps", "methods", "conditions", "legal_basis",
                 "search_name", "search_body", "result_name")
)  # fmt: skip

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
    units = _narrow_scope(paths)
    condition = _own_condition(qs) if units is not None else None
    if condition is None:
        ordered = (qs & _visible(user, paths)).order_by(*DUE_ORDER)
        return list(ordered.values_list("pk", flat=True)[:count])
    return _merged(user, units, condition, count, qs.db)


def _merged(user, units: list[int], condition: tuple[str, list], count: int, db: str):
    """The first ``count`` of each unit in each role (an index scan each) and the user's
    own, merged and cut to ``count`` by the database, in one statement."""
    where, params = condition
    by_unit = (f"""
        UNION (SELECT p.due_at, p.id FROM scope CROSS JOIN LATERAL (
            SELECT due_at, id FROM dossiers_dossier WHERE {column}_id = scope.id AND ({where})
            ORDER BY due_at NULLS LAST, id LIMIT %s) p)""" for column in UNIT_COLUMNS)  # fmt: skip
    sql = f"""
        WITH scope AS (SELECT unnest(%s::bigint[]) AS id)
        SELECT id FROM (
            (SELECT due_at, id FROM dossiers_dossier WHERE owner_id = %s AND ({where})
             ORDER BY due_at NULLS LAST, id LIMIT %s){"".join(by_unit)}
        ) page ORDER BY due_at NULLS LAST, id LIMIT %s"""  # fmt: skip
    args = [units, user.pk, *params, count] + [*params, count] * len(UNIT_COLUMNS) + [count]
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


def _narrow_scope(paths: list[str]) -> list[int] | None:
    """The units of a narrow scope; None for a wide one (or on a database other than
    PostgreSQL: the merged statement reads arrays and LATERAL joins)."""
    if connection.vendor != "postgresql" or "/" in paths:
        return None
    if not paths:
        return []
    # Written out (read with every list page): Django took longer to build it than to run it.
    patterns = [_like_escaped(p) + "%" for p in paths]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM agencies_unit WHERE path LIKE ANY(%s) LIMIT %s",
            [patterns, NARROW_SCOPE + 1],
        )
        units = [pk for (pk,) in cursor.fetchall()]
    return units if len(units) <= NARROW_SCOPE else None


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
    dossier = (
        Dossier.objects.select_related("version", "receiving_unit", "current_unit")
        .defer(*VERSION_TEXTS)
        .filter(code=code)
        .first()
    )
    if dossier and len(factor) >= 9:
        phone = _digits(dossier.applicant_phone)
        if factor in (_digits(dossier.applicant_id_number), phone, "84" + phone[1:]):
            return dossier
    attempts.missed(TRACKING_WINDOW, **keys)
    raise NotFound(
        "Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.", code="dossier_not_found"
    )
