"""Keeping the tallies: a fact's contribution, the difference a change makes, the upsert.

A fact contributes its counters to every unit *scope* above its resolving unit and above its
receiving desk (each counted once), on the day of each counter's role, at three grains (day,
month, year) for units and two (month, year) for procedures. A change of a dossier replaces
its old contribution by its new one: the roll-up (``rollup``) sums the differences of a whole
batch of dossiers into one ``Delta`` and writes it as ``col = col + δ`` upserts, one
statement per table and 500 rows, rows in key order (so two transactions touching the same
rows lock them in the same order and cannot deadlock).
"""

from collections import defaultdict
from datetime import date

from django.db import connection

from .counters import BY_ROLE, ROLE_DAY
from .models import DossierFact, ProcedureTally, UnitTally

UNIT_GRAINS = ("D", "M", "Y")
BIG = {"work_minutes"}  # the only counter whose sums outgrow 32 bits
PROC_GRAINS = ("M", "Y")


def start_of(day: date, grain: str) -> date:
    if grain == "Y":
        return date(day.year, 1, 1)
    if grain == "M":
        return day.replace(day=1)
    return day


def path_ids(path: str) -> list[int]:
    return [int(i) for i in path.strip("/").split("/") if i]


def scopes_of(fact: DossierFact) -> list[int]:
    """Every unit whose subtree holds the dossier: above its resolving unit or its desk."""
    return sorted(set(path_ids(fact.unit_path)) | set(path_ids(fact.receiving_path)))


def contribution(fact: DossierFact) -> dict[date, dict[str, int]]:
    """The fact's non-zero counters, filed under the day of each counter's role."""
    out: dict[date, dict[str, int]] = {}
    for role, day_attr in ROLE_DAY.items():
        day = getattr(fact, day_attr)
        if day is None:
            continue
        values = {n: getattr(fact, n) for n in BY_ROLE[role] if getattr(fact, n)}
        if values:
            out.setdefault(day, {}).update(values)
    return out


class Delta:
    """Differences to add to the tallies, accumulated over one or many facts."""

    def __init__(self) -> None:
        self.units: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.procs: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, fact: DossierFact | None, sign: int = 1) -> None:
        if fact is None:
            return
        scopes = scopes_of(fact)
        for day, values in contribution(fact).items():
            for scope in scopes:
                for grain in UNIT_GRAINS:
                    row = self.units[(scope, grain, start_of(day, grain))]
                    for name, value in values.items():
                        row[name] += sign * value
                for grain in PROC_GRAINS:
                    key = (scope, fact.procedure_id, fact.field_id, grain, start_of(day, grain))
                    row = self.procs[key]
                    for name, value in values.items():
                        row[name] += sign * value

    def change(self, old: DossierFact | None, new: DossierFact | None) -> None:
        self.add(old, -1)
        self.add(new, +1)

    def apply(self, batch: int = 500) -> int:
        """Write the differences; returns how many tally rows were touched."""
        touched = 0
        for table, keys, rows in (
            (UnitTally._meta.db_table, ("scope_id", "grain", "start"), self.units),
            (
                ProcedureTally._meta.db_table,
                ("scope_id", "procedure_id", "field_id", "grain", "start"),
                self.procs,
            ),
        ):
            items = sorted(
                (key, {n: v for n, v in values.items() if v})
                for key, values in rows.items()
                if any(values.values())
            )
            for i in range(0, len(items), batch):
                touched += _upsert(table, keys, items[i : i + batch])
        self.units.clear()
        self.procs.clear()
        return touched


def _upsert(table: str, keys: tuple[str, ...], items: list[tuple[tuple, dict[str, int]]]) -> int:
    if not items:
        return 0
    names = sorted({n for _, values in items for n in values})
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in (*keys, *names))
    one = "(" + ", ".join(["%s"] * (len(keys) + len(names))) + ")"
    params: list = []
    for key, values in items:
        params.extend(key)
        params.extend(values.get(n, 0) for n in names)
    updates = ", ".join(f"{qn(n)} = t.{qn(n)} + excluded.{qn(n)}" for n in names)
    sql = (
        f"INSERT INTO {qn(table)} AS t ({columns}) VALUES {', '.join([one] * len(items))} "
        f"ON CONFLICT ({', '.join(qn(k) for k in keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(items)


# --- the same sums in SQL: bulk imports, rebuilds and the consistency check --------------------
#
# Summing many facts one by one in Python is slow; the database does it in one statement per
# table. This is a second, independent implementation of ``contribution`` above (per role,
# per day / month / year, per scope): the consistency check compares the two.


def ensure_pairs(where: str = "", params: list | None = None) -> None:
    """Insert the ScopePair rows missing for the facts matching ``where``."""
    from .models import ScopePair

    qn = connection.ops.quote_name
    sql = (
        f"SELECT DISTINCT unit_path, receiving_path FROM {qn(DossierFact._meta.db_table)} f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {qn(ScopePair._meta.db_table)} p "
        "WHERE p.unit_path = f.unit_path AND p.receiving_path = f.receiving_path)"
        + (f" AND {where}" if where else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        pairs = cursor.fetchall()
    ScopePair.objects.bulk_create(
        [
            ScopePair(unit_path=u, receiving_path=r, scope_id=scope)
            for u, r in pairs
            for scope in sorted(set(path_ids(u)) | set(path_ids(r)))
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def _trunc(column: str, grain: str) -> str:
    if grain == "D":
        return column
    unit = "month" if grain == "M" else "year"
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('{unit}', {column}) AS date)"
    return f"date({column}, 'start of {unit}')"


def expected_sql(table: str, where: str = "", roles=None) -> str:
    """SQL summing the facts matching ``where`` into tally rows (``table``: unit | proc):
    ``WITH ff AS (the facts) SELECT keys, grain, start, counters … GROUP BY keys``."""
    return " ".join(_expected(table, where, roles))


def _expected(table: str, where: str, roles=None) -> tuple[str, str]:
    """(WITH clause, SELECT) of the tally rows; with ``roles``, only those roles' counters.

    Per role: the matching facts (narrow: paths, keys, the role's day and counters), summed
    per scope at the finest grain (day for units, month for procedures), then re-summed into
    the coarser grains — so the database aggregates each fact once per scope, not per grain.
    """
    from .counters import NAMES
    from .models import ScopePair

    qn = connection.ops.quote_name
    roles = roles or tuple(ROLE_DAY)
    names = [n for n in NAMES if any(n in BY_ROLE[r] for r in roles)]
    keys = ["scope_id"] + (["procedure_id", "field_id"] if table == "proc" else [])
    grains = UNIT_GRAINS if table == "unit" else PROC_GRAINS
    finest = grains[0]
    facts = qn(DossierFact._meta.db_table)
    pairs = qn(ScopePair._meta.db_table)
    key_list = ", ".join(qn(k) for k in keys)
    ctes, parts = [], []
    for role in roles:
        day = qn(ROLE_DAY[role])
        mine = BY_ROLE[role]
        fact_cols = ", ".join(
            ["unit_path", "receiving_path", "procedure_id", "field_id", day] + [qn(n) for n in mine]
        )
        cond = f"{day} IS NOT NULL" + (f" AND {where}" if where else "")
        ctes.append(f"ff_{role} AS (SELECT {fact_cols} FROM {facts} f WHERE {cond})")
        base_keys = ", ".join(
            ("ps.scope_id" if k == "scope_id" else f"f.{qn(k)}") + f" AS {qn(k)}" for k in keys
        )
        start = _trunc(f"f.{day}", finest)
        # integer sums stay integers (PostgreSQL sums bigints as slow numerics)
        sums = ", ".join(_sum_int(f"f.{qn(n)}", n) for n in mine)
        group_by = ", ".join(("ps.scope_id" if k == "scope_id" else f"f.{qn(k)}") for k in keys)
        ctes.append(
            f"base_{role} AS (SELECT {base_keys}, {start} AS start, {sums} FROM ff_{role} f "
            f"JOIN {pairs} ps ON ps.unit_path = f.unit_path "
            f"AND ps.receiving_path = f.receiving_path "
            f"GROUP BY {group_by}, {start})"
        )
        for grain in grains:
            cols = ", ".join((_sum_int(qn(n), n) if n in mine else f"0 AS {qn(n)}") for n in names)
            trunc = _trunc("start", grain) if grain != finest else "start"
            parts.append(
                f"SELECT {key_list}, '{grain}' AS grain, {trunc} AS start, {cols} "
                f"FROM base_{role} GROUP BY {key_list}, {trunc}"
            )
    group = ", ".join(qn(k) for k in (*keys, "grain", "start"))
    if len(roles) == 1:  # the grains' keys are distinct already
        return "WITH " + ", ".join(
            ctes
        ), f"SELECT * FROM ({' UNION ALL '.join(parts)}) x WHERE 1 = 1"
    sums = ", ".join(_sum_int(qn(n), n) for n in names)
    return (
        "WITH " + ", ".join(ctes),
        f"SELECT {group}, {sums} FROM ({' UNION ALL '.join(parts)}) x WHERE 1 = 1 GROUP BY {group}",
    )


def _sum_int(expr: str, name: str) -> str:
    kind = "BIGINT" if name in BIG else "INTEGER"
    return f"CAST(SUM({expr}) AS {kind}) AS {connection.ops.quote_name(name)}"


def add_sql(where: str, params: list) -> None:
    """Add the facts matching ``where`` to both tallies, summed by the database: one upsert
    per table, each tally row written once whatever the roles that touch it."""
    from .counters import NAMES

    qn = connection.ops.quote_name
    ensure_pairs(where, params)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # aggregate in memory, not on disk
        for table, model, keys in (
            ("unit", UnitTally, ("scope_id", "grain", "start")),
            ("proc", ProcedureTally, ("scope_id", "procedure_id", "field_id", "grain", "start")),
        ):
            with_clause, select = _expected(table, where)
            columns = ", ".join(qn(c) for c in (*keys, *NAMES))
            updates = ", ".join(f"{qn(n)} = t.{qn(n)} + excluded.{qn(n)}" for n in NAMES)
            cursor.execute(
                f"{with_clause} INSERT INTO {qn(model._meta.db_table)} AS t ({columns}) "
                f"{select} ON CONFLICT ({', '.join(qn(k) for k in keys)}) "
                f"DO UPDATE SET {updates}",
                params * len(ROLE_DAY),
            )


def id_filter(ids: list[int]) -> tuple[str, list]:
    """A WHERE fragment selecting facts by dossier id (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        # a semi-join on the unnested array: "= ANY(array)" is a linear scan per row
        return "f.dossier_id IN (SELECT unnest(%s::bigint[]))", [list(ids)]
    return f"f.dossier_id IN ({', '.join(['%s'] * len(ids))})", list(ids)
