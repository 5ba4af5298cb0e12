"""A unit moved under another parent (communes merged) takes its dossiers' figures with it:
the tallies of the units above its new place count them, those above its old place no
longer, and every tally still equals a full recount."""

from motcua.monitoring import consistency, index, periods, rollup
from motcua.monitoring.models import DossierFact, UnitTally
from tests.monitoring.test_monitoring_consistency import NOW, random_history

YEAR = periods.parse("2026-01-01", "2026-12-31")


def year_rows(unit) -> list[dict]:
    """The unit's month and year tallies, without their keys."""
    rows = UnitTally.objects.filter(scope=unit, grain__in=["M", "Y"]).order_by("grain", "start")
    return [{k: v for k, v in r.items() if k not in ("id", "scope_id")} for r in rows.values()]


def test_a_merged_communes_figures_move_to_the_commune_it_joined(
    procedure, people, province, citizen
):
    random_history(procedure, people, province, citizen, n=25)
    rollup.catch_up()
    commune_a, commune_b, root = province["commune_a"], province["commune_b"], province["root"]
    gia_vien = year_rows(commune_a)
    province_rows = year_rows(root)
    assert gia_vien and year_rows(commune_b) == []  # commune B has no dossiers of its own
    received = index.compute(commune_a, YEAR, now=NOW).indicator("2.1").denominator
    assert received > 0

    commune_a.parent = commune_b  # xã Gia Viễn merged into xã Yên Mô
    commune_a.save()

    commune_a.refresh_from_db()
    assert not DossierFact.objects.exclude(unit_path__startswith=commune_a.path).exists()
    assert year_rows(commune_b) == gia_vien  # Yên Mô now counts Gia Viễn's dossiers
    assert year_rows(commune_a) == gia_vien and year_rows(root) == province_rows
    assert index.compute(commune_b, YEAR, now=NOW).indicator("2.1").denominator == received
    report = consistency.check()
    assert report.ok, report.mismatches[:5]


def test_a_move_outside_the_dossiers_units_changes_no_tally(procedure, people, province, citizen):
    random_history(procedure, people, province, citizen, n=10)
    rollup.catch_up()
    before = {u: year_rows(province[u]) for u in ("root", "commune_a", "justice", "center")}
    province["justice_div"].parent = province["center"]
    province["justice_div"].save()
    assert {u: year_rows(province[u]) for u in before} == before
    assert consistency.check().ok
