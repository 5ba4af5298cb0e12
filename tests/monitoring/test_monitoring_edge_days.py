"""Ranges cut mid-month, by hand: the edge days' per-procedure figures (766 indicators 3.2,
3.5, 3.5b, 4.5a, 4.6; statistics by procedure; the worst procedures) for one unit, for a
ranking of communes and for the province.

Three procedures, each implemented by xã Gia Viễn (A, received at its centre) and xã Yên Mô
(B): P1 without fee, P2 with a fee, P3 the electronic certified copy (with a fee). Nine legacy
dossiers sit on and just outside the edges of two ranges:

- R1 = 24/02–10/04/2026: edge days 24–28/02 and 01–10/04, March whole;
- R2 = 11/03–20/03/2026: both edges inside one month.

| dossier | unit | TTHC | received | channel, flags | ended (due) |
|---|---|---|---|---|---|
| A1 | A | P2 | Mon 23/02 | online, fee, paid online, VNeID | 24/02 (due 26/02): early |
| A2 | A | P3 | Tue 24/02 | fee, e-result | 27/02 18:00 (due 27/02 17:00): late |
| A3 | A | P1 | Wed 11/03 | online | open |
| A4 | A | P2 | Fri 10/04 | fee, paid online | 24/04 (due 15/04): late |
| A5 | A | P1 | Sat 11/04 | VNeID | open |
| B1 | B | P1 | Fri 27/02 | VNeID | 12/03 (due 04/03): late |
| B2 | B | P3 | Fri 20/03 | online, fee, paid online | 23/03 (due 25/03): early |
| B3 | B | P2 | Sat 21/03 | fee, VNeID | 08/04 (due 26/03): late |
| B4 | B | P2 | Tue 10/03 | online, fee | 13/03 09:00 (due 13/03): on time |
"""

import csv

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog import services as catalog
from motcua.catalog.models import Fee, Procedure
from motcua.monitoring import importer, index, periods, statistics, sums
from motcua.monitoring.models import DossierFact
from tests.factories import at, make_version

NOW = at("2026-05-04 10:00")
R1 = periods.parse("2026-02-24", "2026-04-10")
R2 = periods.parse("2026-03-11", "2026-03-20")
CENTER_A, COMMUNE_B = "000.01.31.H99", "000.00.32.H99"
P1, P2, P3 = "1.001193", "2.000908", "2.000815"
SETS = ("3.2", "3.5b", "3.5", "4.5a", "4.6")


def t(text):
    return f"2026-{text}:00+07:00"


def row(code, unit, procedure, received, **values):
    base = dict.fromkeys(importer.COLUMNS, "")
    base.update(code=code, procedure_code=procedure, unit_code=unit, channel="direct",
                applicant_type="citizen", status="2", received_at=t(received))  # fmt: skip
    base.update({k: t(v) if k.endswith("_at") else str(v) for k, v in values.items()})
    return base


ROWS = [
    row("A1", CENTER_A, P2, "02-23T09:00", channel="online", has_fee="true", paid_online="true",
        vneid="true", status=9, due_at="02-26T17:00", finished_at="02-24T10:00"),
    row("A2", CENTER_A, P3, "02-24T09:00", has_fee="true", e_result="true", status=9,
        due_at="02-27T17:00", finished_at="02-27T18:00"),
    row("A3", CENTER_A, P1, "03-11T09:00", channel="online", due_at="03-16T17:00"),
    row("A4", CENTER_A, P2, "04-10T09:00", has_fee="true", paid_online="true", status=9,
        due_at="04-15T17:00", finished_at="04-24T10:00"),
    row("A5", CENTER_A, P1, "04-11T09:00", vneid="true", due_at="04-16T17:00"),
    row("B1", COMMUNE_B, P1, "02-27T09:00", vneid="true", status=9, due_at="03-04T17:00",
        finished_at="03-12T10:00"),
    row("B2", COMMUNE_B, P3, "03-20T09:00", channel="online", has_fee="true",
        paid_online="true", status=9, due_at="03-25T17:00", finished_at="03-23T10:00"),
    row("B3", COMMUNE_B, P2, "03-21T09:00", has_fee="true", vneid="true", status=9,
        due_at="03-26T17:00", finished_at="04-08T10:00"),
    row("B4", COMMUNE_B, P2, "03-10T09:00", channel="online", has_fee="true", status=9,
        due_at="03-13T17:00", finished_at="03-13T09:00"),
]  # fmt: skip


@pytest.fixture
def edges(procedure, province, decision, tmp_path):
    communes = [province["commune_a"], province["commune_b"]]
    for code, name in ((P2, "Cấp bản sao trích lục hộ tịch"),
                       (P3, "Chứng thực bản sao điện tử từ bản chính")):  # fmt: skip
        version = make_version(code=code, name=name, units=communes)
        Fee.objects.create(version=version, kind="LE_PHI", name="Lệ phí", amount=8000)
        catalog.publish(version, decision)
    path = tmp_path / "bien.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=importer.COLUMNS)
        writer.writeheader()
        writer.writerows(ROWS)
    assert importer.import_file(path, fast=False).imported == len(ROWS)
    assert DossierFact.objects.count() == len(ROWS)
    return {**province, "P": dict(Procedure.objects.values_list("code", "pk"))}


def ids(edges, *codes):
    return {edges["P"][c] for c in codes}


def test_procedures_with_flags_on_the_edge_days_per_scope(edges):
    units = [edges["root"], edges["commune_a"], edges["commune_a_center"], edges["commune_b"]]
    names = ["submitted_online", "paid_online", "fee_due", "vneid"]

    def got(period):
        found = sums.procedures_with(units, period.first, period.last, names)
        return {
            (n, u.code): {c for c, pk in edges["P"].items() if pk in found[n].get(u.pk, ())}
            for n in names
            for u in units
        }

    a, center, b, root = "000.00.31.H99", CENTER_A, COMMUNE_B, "000.00.00.H99"
    r1 = got(R1)
    # A1 (23/02) and A5 (11/04) lie one day outside R1: their VNeID and P2 online never count
    assert {k: v for k, v in r1.items() if k[1] in (a, center)} == {
        ("submitted_online", a): {P1}, ("paid_online", a): {P2}, ("fee_due", a): {P2, P3},
        ("vneid", a): set(),
        ("submitted_online", center): {P1}, ("paid_online", center): {P2},
        ("fee_due", center): {P2, P3}, ("vneid", center): set(),
    }  # fmt: skip
    assert {n: r1[(n, b)] for n in names} == {
        "submitted_online": {P2, P3}, "paid_online": {P3}, "fee_due": {P2, P3},
        "vneid": {P1, P2},
    }  # fmt: skip
    assert {n: r1[(n, root)] for n in names} == {
        "submitted_online": {P1, P2, P3}, "paid_online": {P2, P3}, "fee_due": {P2, P3},
        "vneid": {P1, P2},
    }  # fmt: skip
    r2 = got(R2)  # B4 (10/03) and B3 (21/03) lie one day outside
    assert {n: r2[(n, a)] for n in names} == {
        "submitted_online": {P1},
        "paid_online": set(),
        "fee_due": set(),
        "vneid": set(),
    }
    assert {n: r2[(n, b)] for n in names} == {
        "submitted_online": {P3},
        "paid_online": {P3},
        "fee_due": {P3},
        "vneid": set(),
    }
    assert {n: r2[(n, root)] for n in names} == {
        "submitted_online": {P1, P3},
        "paid_online": {P3},
        "fee_due": {P3},
        "vneid": set(),
    }


def figures(result):
    return {i: (result.indicator(i).numerator, result.indicator(i).denominator) for i in SETS}


def test_the_ranking_counts_each_communes_edge_days(edges):
    computed: dict = {}
    rows = index.ranking("commune", R1, now=NOW, results=computed)
    assert {r["code"] for r in rows} == {"000.00.31.H99", COMMUNE_B}
    a, b = computed[edges["commune_a"].pk], computed[edges["commune_b"].pk]
    # 3.2: online used / offered online (3); 3.5b: paid online / with fees (2); 3.5: with fee
    # data / with fees; 4.5a: VNeID / for citizens (3); 4.6: certified copies (P3) with an
    # e-result / received
    assert figures(a) == {"3.2": (1, 3), "3.5b": (1, 2), "3.5": (2, 2), "4.5a": (0, 3),
                          "4.6": (1, 1)}  # fmt: skip
    assert figures(b) == {"3.2": (2, 3), "3.5b": (1, 2), "3.5": (2, 2), "4.5a": (2, 3),
                          "4.6": (0, 1)}  # fmt: skip
    assert (a.indicator("2.1").denominator, b.indicator("2.1").denominator) == (3, 4)
    # one unit alone gives the same figures as within the ranking
    assert figures(index.compute(edges["commune_b"], R1, now=NOW)) == figures(b)
    root = index.compute(edges["root"], R1, now=NOW)
    assert figures(root) == {"3.2": (3, 3), "3.5b": (2, 2), "3.5": (2, 2), "4.5a": (2, 3),
                             "4.6": (1, 2)}  # fmt: skip

    computed.clear()
    index.ranking("commune", R2, now=NOW, results=computed)
    assert figures(computed[edges["commune_a"].pk]) == {
        "3.2": (1, 3), "3.5b": (0, 2), "3.5": (0, 2), "4.5a": (0, 3), "4.6": (0, 0)
    }  # fmt: skip
    assert figures(computed[edges["commune_b"].pk]) == {
        "3.2": (1, 3), "3.5b": (1, 2), "3.5": (1, 2), "4.5a": (0, 3), "4.6": (0, 1)
    }  # fmt: skip


def test_statistics_by_procedure_and_worst_procedures_on_edge_days(edges):
    root, a = edges["root"], edges["commune_a"]
    by_procedure = statistics.breakdown(root, R1, "procedure", now=NOW)
    assert {r["key"]: r["received"] for r in by_procedure} == {P1: 2, P2: 3, P3: 2}
    mine = statistics.breakdown(a, R1, "procedure", now=NOW)
    assert {r["key"]: r["received"] for r in mine} == {P1: 1, P2: 1, P3: 1}
    # ended in R1 (by the day processing ended): A1 24/02 early, A2 27/02 late, B1 12/03 late,
    # B4 13/03 on time, B2 23/03 early, B3 08/04 late; A4 ended 24/04, after R1
    worst = statistics.worst_procedures(root, R1)
    assert {w["code"]: (w["late"], w["resolved"]) for w in worst} == {
        P1: (1, 1),
        P2: (1, 3),
        P3: (1, 2),
    }
    assert [(w["code"], w["late"], w["resolved"]) for w in statistics.worst_procedures(a, R1)] == [
        (P3, 1, 1)
    ]


def test_the_provinces_own_index_is_computed_with_the_ranking(edges):
    root = edges["root"]
    index.ranking("commune", R1, now=NOW)  # the catalog snapshot of R1, cached from here
    with CaptureQueriesContext(connection) as alone:
        index.ranking("commune", R1, now=NOW)
    computed: dict = {}
    with CaptureQueriesContext(connection) as together:
        rows = index.ranking("commune", R1, now=NOW, results=computed, also=[root])
    # the same reads serve the province and the communes (edge days included)
    assert len(together.captured_queries) == len(alone.captured_queries)
    assert {r["code"] for r in rows} == {"000.00.31.H99", COMMUNE_B}  # the province is unranked
    assert figures(computed[root.pk]) == figures(index.compute(root, R1, now=NOW))
    assert computed[root.pk].total == index.compute(root, R1, now=NOW).total
