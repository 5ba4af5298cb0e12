"""Proof that the figures equal a full recount, and the repair when they do not.

``check`` recounts in two steps, each against the source of the step before:

1. every dossier's fact row is rebuilt from the dossier, its events, components and rating
   (``facts.build``) and compared with the stored row (missing, extra or different rows);
2. every tally row is recomputed from the fact rows in SQL (``tallies.expected_sql``, a
   second implementation beside the incremental one) and compared with the stored tally,
   row by row, inside the database (a full outer join: missing, extra or different rows).

Together: stored tallies == tallies recounted from the dossiers themselves. ``rebuild``
rewrites facts and tallies from the dossiers (after a restore, or to adopt old data).
"""

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from motcua.agencies.models import Unit
from motcua.dossiers.models import Dossier, State

from . import rollup, tallies
from .counters import NAMES
from .facts import build, dossiers_with_inputs
from .models import DossierFact, ProcedureTally, UnitTally

COMPARED = [
    f.attname for f in DossierFact._meta.concrete_fields if f.attname not in ("dossier_id",)
]


@dataclass
class CheckReport:
    dossiers: int = 0
    facts_checked: int = 0
    unit_rows: int = 0
    procedure_rows: int = 0
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def add(self, message: str) -> None:
        if len(self.mismatches) < 1000:
            self.mismatches.append(message)


def check(*, check_facts: bool = True, batch: int = 2000, progress=None) -> CheckReport:
    started = time.monotonic()
    rollup.catch_up()  # changes committed but not yet rolled up are not mismatches
    report = CheckReport()
    if check_facts:
        _check_facts(report, batch, progress)
    _check_tallies(report, progress)
    report.seconds = time.monotonic() - started
    return report


def _ids_in_batches(batch: int):
    last = 0
    qs = Dossier.objects.exclude(state=State.DRAFT).order_by("pk")
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _check_facts(report: CheckReport, batch: int, progress) -> None:
    for ids in _ids_in_batches(batch):
        stored = {f.pk: f for f in DossierFact.objects.filter(pk__in=ids)}
        for d, events, extras in dossiers_with_inputs(ids):
            report.dossiers += 1
            fresh = build(d, events, extras)
            old = stored.get(d.pk)
            if old is None:
                report.add(f"Hồ sơ {d.code}: thiếu dữ liệu thống kê.")
                continue
            report.facts_checked += 1
            diff = [a for a in COMPARED if getattr(old, a) != getattr(fresh, a)]
            if diff:
                report.add(f"Hồ sơ {d.code}: khác ở {', '.join(diff)}.")
        if progress:
            progress(f"đã kiểm tra {report.dossiers} hồ sơ")
    # NOT EXISTS, not NOT IN: PostgreSQL cannot hash millions of ids for a NOT IN beyond
    # work_mem and then compares every fact with every dossier (300,000: unfinished after 7 min)
    kept = Dossier.objects.filter(pk=OuterRef("dossier_id")).exclude(state=State.DRAFT)
    orphans = DossierFact.objects.filter(~Exists(kept)).count()
    if orphans:
        report.add(f"{orphans} dòng dữ liệu thống kê không còn hồ sơ tương ứng.")


def _compare_sql(table: str) -> str:
    """Tally rows whose stored counters differ from the facts' sums (zero rows ignored)."""
    model = UnitTally if table == "unit" else ProcedureTally
    keys = ["scope_id"] + (["procedure_id", "field_id"] if table == "proc" else [])
    keys += ["grain", "start"]
    with_clause, select = tallies._expected(table, "")
    qn = connection.ops.quote_name
    on = " AND ".join(f"e.{qn(k)} = s.{qn(k)}" for k in keys)
    differs = " OR ".join(f"COALESCE(e.{qn(n)}, 0) <> COALESCE(s.{qn(n)}, 0)" for n in NAMES)
    nonzero = " OR ".join(f"{qn(n)} <> 0" for n in NAMES)
    pick = ", ".join(f"COALESCE(e.{qn(k)}, s.{qn(k)})" for k in keys)
    values = ", ".join(f"e.{qn(n)}, s.{qn(n)}" for n in NAMES)
    return (
        f"{with_clause}, e AS (SELECT * FROM ({select}) e0 WHERE {nonzero}), "
        f"s AS (SELECT * FROM {qn(model._meta.db_table)} WHERE {nonzero}) "
        f"SELECT {pick}, {values} FROM e FULL OUTER JOIN s ON {on} WHERE {differs}"
    )


def _check_tallies(report: CheckReport, progress) -> None:
    tallies.ensure_pairs()
    report.unit_rows = UnitTally.objects.count()
    report.procedure_rows = ProcedureTally.objects.count()
    codes = dict(Unit.objects.values_list("pk", "code"))
    for table, label in (("unit", "đơn vị"), ("proc", "thủ tục")):
        width = 3 if table == "unit" else 5  # the key columns before the counter pairs
        with connection.cursor() as cursor:
            cursor.execute(_compare_sql(table))
            for row in cursor.fetchmany(1000):
                key, values = row[:width], row[width:]
                diff = [
                    f"{n}: đếm lại {values[2 * i] or 0} ≠ lưu {values[2 * i + 1] or 0}"
                    for i, n in enumerate(NAMES)
                    if (values[2 * i] or 0) != (values[2 * i + 1] or 0)
                ]
                report.add(
                    f"Tổng hợp theo {label} {codes.get(key[0], key[0])} {tuple(key[1:])}: "
                    + "; ".join(diff)
                )
        if progress:
            progress(f"đã đối chiếu bảng tổng hợp theo {label}")


def rebuild(*, batch: int = 2000, progress=None) -> int:
    """Rewrite every fact and tally from the dossiers; returns the number of dossiers."""
    count = 0
    with transaction.atomic():
        rollup.lock()  # no roll-up in between; the notes taken now are covered by what follows
        rollup.forget_all()
        UnitTally.objects.all().delete()
        ProcedureTally.objects.all().delete()
        DossierFact.objects.all().delete()
        for ids in _ids_in_batches(batch):
            rows = [build(d, ev, ex) for d, ev, ex in dossiers_with_inputs(ids)]
            DossierFact.objects.bulk_create(rows, batch_size=1000)
            tallies.add_sql(*tallies.id_filter([r.dossier_id for r in rows]))
            count += len(rows)
            if progress:
                progress(f"đã dựng lại {count} hồ sơ")
    return count
