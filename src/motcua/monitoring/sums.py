"""Reading the counters of a unit subtree over a period, from the tallies.

A period is cut into whole years, whole months and day ranges (``periods.pieces``): units
read all three from ``UnitTally``; procedures read years and months from ``ProcedureTally``
and the (at most two) partial months at the edges from the facts themselves.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.agencies.models import Unit

from .counters import BY_ROLE, NAMES, ROLE_DAY
from .models import DossierFact, ProcedureTally, UnitTally
from .periods import Period, month, pieces
from .tallies import path_ids


def in_scope(unit: Unit) -> Q:
    """Facts of dossiers resolved by, or received at, a unit of ``unit``'s subtree (for the
    root, every fact: no filter, so the planner picks the indexes of the other conditions)."""
    if unit.parent_id is None:
        return Q()
    return Q(unit_path__startswith=unit.path) | Q(receiving_path__startswith=unit.path)


def scope_q(units: list[Unit]) -> Q:
    """Facts under any of ``units``; for many units, under their nearest common ancestor
    (one indexed prefix instead of hundreds of OR-ed ones — callers file rows under the
    exact units themselves)."""
    if any(u.parent_id is None for u in units):
        return Q()
    if len(units) <= 3:
        q = Q(pk__in=[])
        for u in units:
            q |= in_scope(u)
        return q
    prefix = units[0].path
    for u in units[1:]:
        while not u.path.startswith(prefix):
            prefix = prefix[: prefix.rstrip("/").rfind("/") + 1]
    if len(path_ids(prefix)) <= 1:  # under the root: every fact (a filter would only cost)
        return Q()
    return Q(unit_path__startswith=prefix) | Q(receiving_path__startswith=prefix)


def count_by_scope(facts: QuerySet, units: list[Unit]) -> dict[int, int]:
    """Per unit of ``units``, how many of ``facts`` its subtree holds (above the resolving
    unit or the desk, once). Counted per (resolving unit, desk) pair by the database and
    filed in Python: a few hundred pairs, where the facts can be thousands (the open
    dossiers of the province past their due moment)."""
    ids = {u.pk for u in units}
    counts = dict.fromkeys(ids, 0)
    pairs = facts.order_by().values_list("unit_path", "receiving_path").annotate(n=Count("pk"))
    for unit_path, receiving_path, n in pairs:
        for uid in (set(path_ids(unit_path)) | set(path_ids(receiving_path))) & ids:
            counts[uid] += n
    return counts


def effective_last(last: date) -> date:
    """Nothing is received, ended or returned after today, so a period reaching today is
    summed to the end of this year: whole months and years come from the tallies instead
    of day rows and facts ("this month / quarter / year" are the usual questions)."""
    today = timezone.localdate()
    return date(today.year, 12, 31) if last >= today else last


def _grains_sql(first: date, last: date, coarsest: str = "Y") -> tuple[str, list]:
    """The tally rows of [first, last]: whole years, whole months, then day ranges."""
    years, months, days = pieces(first, effective_last(last), coarsest)
    date_param = connection.ops.adapt_datefield_value
    terms, params = [], []
    for grain, starts in (("Y", years), ("M", months)):
        if starts:
            terms.append(f"(grain = '{grain}' AND start IN ({', '.join(['%s'] * len(starts))}))")
            params.extend(date_param(d) for d in starts)
    for a, b in days:
        terms.append("(grain = 'D' AND start BETWEEN %s AND %s)")
        params.extend((date_param(a), date_param(b)))
    return "(" + (" OR ".join(terms) or "1 = 0") + ")", params


def _unit_sums(
    unit_ids: list[int], first: date, last: date, names, by: str, coarsest: str = "Y"
) -> list[tuple]:
    """(``by``, *names) summed from ``UnitTally`` over the period, per ``by`` (scope_id or
    start). Plain SQL: the ORM spent more time compiling 41 ``Sum`` expressions than the
    database spent summing them (about 5 ms a statement, four statements a page)."""
    grains, params = _grains_sql(first, last, coarsest)
    qn = connection.ops.quote_name
    values = ", ".join(_sum_int(qn(n), n) for n in names)
    ids = ", ".join(str(int(i)) for i in unit_ids)
    sql = (
        f"SELECT {qn(by)}, {values} FROM {qn(UnitTally._meta.db_table)} "
        f"WHERE scope_id IN ({ids}) AND {grains} GROUP BY {qn(by)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _clean(row: dict, names=NAMES) -> dict[str, int]:
    return {n: int(row.get(n) or 0) for n in names}


def unit_totals(unit: Unit, first: date, last: date) -> dict[str, int]:
    return units_totals([unit.pk], first, last)[unit.pk]


def units_totals(
    unit_ids: list[int], first: date, last: date, names=NAMES
) -> dict[int, dict[str, int]]:
    """Per unit, the counters ``names`` summed over the period."""
    names = tuple(names)
    found = {uid: dict.fromkeys(names, 0) for uid in unit_ids}
    if not unit_ids:
        return found
    for scope_id, *values in _unit_sums(unit_ids, first, last, names, "scope_id"):
        found[scope_id] = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
    return found


def series(unit: Unit, period: Period, interval: str) -> list[tuple[date, dict[str, int]]]:
    """Counters per day / month / quarter / year bucket across the period (empty buckets kept)."""
    coarsest = {"day": "D", "month": "M", "quarter": "M", "year": "Y"}[interval]
    rows = _unit_sums([unit.pk], period.first, period.last, NAMES, "start", coarsest)
    buckets: dict[date, dict[str, int]] = defaultdict(lambda: _clean({}))
    for b in bucket_starts(period, interval):
        buckets[b] = _clean({})
    for start, *values in rows:
        if isinstance(start, str):  # SQLite answers raw SQL's dates as text
            start = date.fromisoformat(start)
        acc = buckets[bucket_of(start, interval)]
        for n, v in zip(NAMES, values, strict=True):
            acc[n] += int(v or 0)
    return sorted(buckets.items())


def bucket_of(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "month":
        return day.replace(day=1)
    if interval == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def bucket_starts(period: Period, interval: str) -> list[date]:
    found = []
    cur = bucket_of(period.first, interval)
    while cur <= period.last:
        found.append(max(cur, period.first) if interval == "day" else cur)
        if interval == "day":
            cur += timedelta(days=1)
        elif interval == "month":
            cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
        elif interval == "quarter":
            m = cur.month + 3
            cur = date(cur.year + (m > 12), (m - 1) % 12 + 1, 1)
        else:
            cur = date(cur.year + 1, 1, 1)
    return found


# --- per procedure ------------------------------------------------------------------------------


def _scope_pairs(units: list[Unit]) -> list[tuple[int, int]]:
    """(unit id, scope id) for every unit of the tree and each of ``units`` above it (or
    itself): the table a fact is filed under its scopes by, in SQL."""
    wanted = {u.pk for u in units}
    return [
        (uid, scope)
        for uid, path in Unit.objects.values_list("pk", "path")
        for scope in sorted(set(path_ids(path)) & wanted)
    ]


def _sum_int(expr: str, name: str) -> str:
    """An integer sum (PostgreSQL sums integers as bigint, bigints as slow numerics)."""
    kind = "BIGINT" if name == "work_minutes" else "INTEGER"
    return f"CAST(SUM({expr}) AS {kind}) AS {connection.ops.quote_name(name)}"


def _edge_rows(
    units: list[Unit],
    first: date,
    last: date,
    group: tuple[str, ...],
    names,
    procedure_ids: list[int] | None = None,
    outer=None,
):
    """(scope id, group key, counters) from the facts, for the day ranges of the period that
    whole months do not cover. ``outer(sql, role_names)``: a statement over those rows to
    run instead; then (role_names, row) for each of its rows.

    One statement per role for both edges and every scope: the database files each fact
    under the wanted units above its resolving unit and above its desk (once, when one unit
    is above both, as the tallies count it) and sums per scope and group, so what comes
    back is one row per scope and procedure, not one per fact (a ranking of 120 communes
    over a few edge days is tens of thousands of facts, read from the covering indexes
    ``fact_day_cover`` and ``fact_end_day_cover``)."""
    _, _, days = pieces(first, effective_last(last), "Y")
    if not days or (procedure_ids is not None and not procedure_ids):
        return
    added, left_out, months = _edge_plan(days)
    pairs = ", ".join(f"({int(u)}, {int(s)})" for u, s in _scope_pairs(units))
    qn = connection.ops.quote_name
    keys = ", ".join(qn(g) for g in group)
    ids = [u.pk for u in units]
    for role in ROLE_DAY:
        role_names = [n for n in BY_ROLE[role] if n in names]
        if not role_names:
            continue
        pair_keys = ", ".join(qn(c) for c in ("unit_id", "receiving_unit_id", *group))
        sums = ", ".join(_sum_int(qn(n), n) for n in role_names)
        # the facts summed per (resolving unit, desk, procedure) first: 27 edge days of the
        # province are 95,000 facts, which joined to their scopes as they are were sorted
        # on disk; the days left out of a month are subtracted (negated sums)
        parts, params = [], []
        for ranges, sign in ((added, ""), (left_out, "-")):
            if not ranges:
                continue
            inner, inner_params = _edge_facts(units, role, ranges, group, role_names, procedure_ids)
            signed = ", ".join(f"{sign}{_sum_int(qn(n), n)}" for n in role_names)
            parts.append(f"SELECT {pair_keys}, {signed} FROM ({inner}) q GROUP BY {pair_keys}")
            params.extend(inner_params)
        # then the scopes of each pair found — a few hundred pairs, each scope once
        # (UNION) — and every sum joined once to its pair's scopes; plus the month rows
        # of the tallies the left-out days were subtracted from
        tally = _edge_tally(ids, months, group, role_names, procedure_ids)
        x_columns = ", ".join(f"x.{qn(c)}" for c in (*group, *role_names))
        sql = (
            f"WITH m (unit_id, scope_id) AS (VALUES {pairs}), "
            f"f AS ({' UNION ALL '.join(parts)}), "
            "p AS (SELECT DISTINCT unit_id, receiving_unit_id FROM f), "
            "ps AS (SELECT p.unit_id, p.receiving_unit_id, m.scope_id FROM p "
            "JOIN m ON m.unit_id = p.unit_id UNION SELECT p.unit_id, p.receiving_unit_id, "
            "m.scope_id FROM p JOIN m ON m.unit_id = p.receiving_unit_id), "
            f"j AS (SELECT ps.scope_id AS scope_id, {x_columns} FROM f AS x JOIN ps "
            "ON ps.unit_id = x.unit_id AND ps.receiving_unit_id = x.receiving_unit_id"
            + (f" UNION ALL {tally[0]}" if tally else "")
            + f") SELECT scope_id, {keys}, {sums} FROM j GROUP BY scope_id, {keys}"
        )
        if tally:
            params.extend(tally[1])
        with connection.cursor() as cursor:
            cursor.execute(sql if outer is None else outer(sql, role_names), params)
            rows = cursor.fetchall()
        if outer is not None:
            yield from ((role_names, row) for row in rows)
            continue
        width = len(group)
        for row in rows:
            yield (
                row[0],
                tuple(row[1 : 1 + width]),
                dict(zip(role_names, row[1 + width :], strict=True)),
            )


def _edge_plan(days: list[tuple[date, date]]) -> tuple[list, list, list[date]]:
    """(day ranges to add, day ranges to subtract, months whose tally row to add): an edge
    covering more than half its month is read as the month's tally row minus the facts of
    the days left out (counters are sums of facts, so the difference is exact; "05–31/12"
    is then 4 days of facts, not 27)."""
    added, left_out, months = [], [], []
    for a, b in _by_month(days):
        m = month(a.year, a.month)
        if 2 * ((b - a).days + 1) <= m.days:
            added.append((a, b))
            continue
        months.append(m.first)
        if a > m.first:
            left_out.append((m.first, a - timedelta(days=1)))
        if b < m.last:
            left_out.append((b + timedelta(days=1), m.last))
    return added, left_out, months


def _by_month(days: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The day ranges cut at month ends (``pieces`` joins the end of a month to the start
    of the next)."""
    found = []
    for a, b in days:
        while a <= b:
            end = min(b, month(a.year, a.month).last)
            found.append((a, end))
            a = end + timedelta(days=1)
    return found


def _edge_facts(units, role, ranges, group, role_names, procedure_ids) -> tuple[str, list]:
    on_days = Q(pk__in=[])
    for a, b in ranges:
        on_days |= Q(**{f"{ROLE_DAY[role]}__range": (a, b)})
    facts = DossierFact.objects.filter(scope_q(units), on_days)
    if procedure_ids is not None:
        facts = facts.filter(procedure_id__in=procedure_ids)
    columns = ("unit_id", "receiving_unit_id", *group, *role_names)
    inner, params = facts.values(*columns).order_by().query.sql_with_params()
    return inner, list(params)


def _edge_tally(ids, months, group, role_names, procedure_ids) -> tuple[str, list] | None:
    """The month rows of the tallies for the edges read as month minus left-out days."""
    if not months:
        return None
    rows = ProcedureTally.objects.filter(scope_id__in=ids, grain="M", start__in=months)
    if procedure_ids is not None:
        rows = rows.filter(procedure_id__in=procedure_ids)
    sql, params = rows.values("scope_id", *group, *role_names).order_by().query.sql_with_params()
    return sql, list(params)


def _tally_rows(
    units: list[Unit], first: date, last: date, group: tuple[str, ...], names, how: str, where=None
) -> list[tuple]:
    """(scope id, *group, *names) from ``ProcedureTally`` over the whole years and months of
    the period, each name aggregated by ``how`` (SUM or MAX) in the database.

    One branch per grain, joined by UNION ALL: with an OR of grains PostgreSQL reads the
    rows through a bitmap of the table (16,000 pages for a ranking over a month and a
    year) instead of the covering index alone. Read without the ORM's per-value converters:
    a ranking's answer is tens of thousands of plain integers."""
    grouped = _tally_grouped(units, first, last, group, names, how, where)
    if grouped is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*grouped)
        return cursor.fetchall()


def _tally_grouped(units, first, last, group, names, how, where) -> tuple[str, list] | None:
    """The statement of ``_tally_rows`` (None when it would read nothing)."""
    years, months, _ = pieces(first, effective_last(last), "Y")
    ids = [u.pk for u in units]
    branches = [
        ProcedureTally.objects.filter(where or Q(), scope_id__in=ids, grain=grain, start__in=starts)
        .values("scope_id", *group, *names)
        .order_by()
        for grain, starts in (("Y", years), ("M", months))
        if starts
    ]
    if not branches:
        return None
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    try:
        inner, params = union.query.sql_with_params()
    except EmptyResultSet:  # e.g. no procedure asked for
        return None
    qn = connection.ops.quote_name
    keys = ", ".join(qn(k) for k in ("scope_id", *group))
    if how == "SUM":
        values = ", ".join(_sum_int(qn(n), n) for n in names)
    else:
        values = ", ".join(f"{how}({qn(n)}) AS {qn(n)}" for n in names)
    return f"SELECT {keys}, {values} FROM ({inner}) t GROUP BY {keys}", list(params)


def _tally_presence(units, first, last, names, where) -> list[tuple[int, list[list[int]]]]:
    """(scope id, [the procedures with a non-zero count, per name]) from the tallies. On
    PostgreSQL one row per scope, the ids as arrays: a ranking of 120 communes would
    otherwise bring back a row per scope and procedure (tens of thousands of tuples to
    convert, loop over and collect as garbage)."""
    grouped = _tally_grouped(units, first, last, ("procedure_id",), names, "MAX", where)
    if grouped is None:
        return []
    sql, params = grouped
    qn = connection.ops.quote_name
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], [[row[1]] if v else [] for v in row[2:]]) for row in cursor.fetchall()]
    arrays = ", ".join(f"array_agg({qn('procedure_id')}) FILTER (WHERE {qn(n)} > 0)" for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope_id, {arrays} FROM ({sql}) p GROUP BY scope_id", params)
        return [(row[0], [v or [] for v in row[1:]]) for row in cursor.fetchall()]


def edge_presence(
    units: list[Unit], first: date, last: date, names, wanted: set[int], summed
) -> tuple[dict[str, dict[int, set[int]]], dict[int, dict[str, int]]]:
    """The edge days' share of the index's per-procedure figures, in one read: per counter
    of ``names`` and scope, the procedures with a non-zero count (``procedures_with``); per
    scope, the counters ``summed`` over the ``wanted`` procedures (the certified copies).

    On PostgreSQL one row per scope comes back (ids as arrays, sums filtered): 27 edge days
    of the province and its 120 communes are 15,000 (scope, procedure) rows, which cost
    more to turn into Python objects than the database spent finding them."""
    presence: dict[str, dict[int, set[int]]] = {n: defaultdict(set) for n in names}
    copies: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(summed, 0))
    every = [*names, *summed]
    if connection.vendor != "postgresql":
        for scope, (pid,), values in _edge_rows(units, first, last, ("procedure_id",), every):
            for n in names:
                if values.get(n):
                    presence[n][scope].add(pid)
            if pid in wanted:
                for n in summed:
                    copies[scope][n] += values.get(n, 0)
        return presence, copies
    qn = connection.ops.quote_name
    ids = ", ".join(str(int(i)) for i in sorted(wanted)) or "NULL"

    def per_scope(sql: str, role_names: list[str]) -> str:
        arrays = [
            f"array_agg({qn('procedure_id')}) FILTER (WHERE {qn(n)} > 0)"
            for n in names
            if n in role_names
        ]
        sums = [
            f"CAST(SUM({qn(n)}) FILTER (WHERE {qn('procedure_id')} IN ({ids})) AS BIGINT)"
            for n in summed
            if n in role_names
        ]
        return f"SELECT scope_id, {', '.join(arrays + sums)} FROM ({sql}) e GROUP BY scope_id"

    for role_names, (scope, *values) in _edge_rows(
        units, first, last, ("procedure_id",), every, outer=per_scope
    ):
        mine = [n for n in names if n in role_names] + [n for n in summed if n in role_names]
        for n, v in zip(mine, values, strict=True):
            if n in summed:
                copies[scope][n] += int(v or 0)
            elif v:
                presence[n][scope].update(v)
    return presence, copies


def scope_rows(
    units: list[Unit],
    first: date,
    last: date,
    group: tuple[str, ...] = ("procedure_id",),
    names=NAMES,
    procedure_ids: list[int] | None = None,
    edges: list | None = None,
) -> dict[int, dict[tuple, dict[str, int]]]:
    """Per scope, counters per ``group`` (procedure_id and/or field_id) over the period.
    ``edges``: the edge days' rows (``_edge_rows``), when read already for these units and
    procedures."""
    names = list(names)
    acc: dict[int, dict[tuple, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(names, 0))
    )
    where = Q(procedure_id__in=procedure_ids) if procedure_ids is not None else None
    width = len(group)
    for row in _tally_rows(units, first, last, group, names, "SUM", where):
        target = acc[row[0]][tuple(row[1 : 1 + width])]
        for n, v in zip(names, row[1 + width :], strict=True):
            target[n] += v or 0
    if edges is None:
        edges = _edge_rows(units, first, last, group, names, procedure_ids)
    for scope, key, values in edges:
        target = acc[scope][key]
        for n in names:
            target[n] += values.get(n, 0)
    return acc


def procedure_rows(
    unit: Unit,
    first: date,
    last: date,
    group: tuple[str, ...] = ("procedure_id",),
    names=NAMES,
) -> dict[tuple, dict[str, int]]:
    """Counters of ``unit``'s subtree per ``group`` (procedure_id and/or field_id)."""
    return dict(scope_rows([unit], first, last, group, names).get(unit.pk, {}))


def procedures_with(
    units: list[Unit], first: date, last: date, names: list[str], edges: list | None = None
) -> dict[str, dict[int, set[int]]]:
    """For each counter in ``names``: per scope, the procedures with a non-zero count.
    ``edges``: the edge days' rows (``_edge_rows``), when read already for these units."""
    found: dict[str, dict[int, set[int]]] = {n: defaultdict(set) for n in names}
    any_q = Q(pk__in=[])
    for n in names:
        any_q |= Q(**{f"{n}__gt": 0})
    for scope, per_name in _tally_presence(units, first, last, names, any_q):
        for n, ids in zip(names, per_name, strict=True):
            if ids:
                found[n][scope].update(ids)
    if edges is None:
        edges = _edge_rows(units, first, last, ("procedure_id",), names)
    add_edge_presence(found, edges, names)
    return found


def add_edge_presence(found: dict[str, dict[int, set[int]]], edges, names) -> None:
    """Add the procedures of the edge days' rows (``_edge_rows``) to ``procedures_with``'s
    sets."""
    for scope, (procedure_id,), values in edges:
        for n in names:
            if values.get(n):
                found[n][scope].add(procedure_id)


def facts(unit: Unit) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(in_scope(unit))
