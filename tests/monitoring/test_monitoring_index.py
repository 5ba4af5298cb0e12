"""The 766 index and the statistics of the March 2026 history (conftest), by hand."""

import pytest

from motcua.core.errors import DomainError
from motcua.monitoring import drill, formulas, index, periods, statistics
from tests.factories import at

NOW = at("2026-04-10 10:00")  # as in conftest

MARCH = periods.month(2026, 3)


def codes(history, *keys):
    return {history.d[k].code for k in keys}


def test_on_time_rate_judges_open_dossiers_at_period_end(march, province):
    r = index.compute(province["commune_a"], MARCH, now=NOW)
    ind = r.indicator("2.1")
    # received: D1–D9; late at 01/04 00:00: D3 (late), D5 (2 supplements), D8 (open, past
    # due), D9 (late at Sở Tư pháp); D7 is late only after the period (due 02/04).
    assert (ind.numerator, ind.denominator) == (5, 9)
    assert ind.score == 11.11 and ind.max == 20
    assert ind.inputs["late"] == 4
    assert r.judged_at == at("2026-04-01 00:00")


def test_every_indicator_and_the_total(march, province):
    r = index.compute(province["commune_a"], MARCH, now=NOW)
    got = {i.id: (i.numerator, i.denominator, i.score) for g in r.groups for i in g.indicators}
    assert got["1.1"] == (0, 0, 0)  # no publication decision in March
    assert got["1.2"] == (0, 0, 0)
    assert got["1.3"] == (0, 1, 0)  # the test procedure has no trình tự / cách thức
    assert got["1.4"] == (9, 9, 6)
    assert got["3.1"] == (1, 1, 2)  # một phần: full points from 80%
    assert got["3.2"] == (1, 1, 4)  # D10, D11 were submitted online
    assert got["3.3"] == (0, 9, 0)
    assert got["3.6"] == (0, 0, 0) and got["3.5b"] == (0, 0, 0) and got["3.5"] == (0, 0, 0)
    assert got["5.2"] == (0, 0, 6) and got["5.3"] == (0, 0, 6)  # no PAKN ⇒ 6
    # 5.4: r = 1 − 4/9 − 0/9; min(6, 6 × r / 0.9) = 3.70
    assert got["5.4"] == (5, 9, 3.7)
    assert got["4.1"] == (8, 8, 6)  # every dossier resolved so far has its e-result
    assert got["4.2"] == (0, 9, 0)
    assert got["4.5a"] == (0, 1, 0)
    assert got["4.6"] == (0, 0, 0)
    groups = {g.id: g.score for g in r.groups}
    assert groups == {"1": 6, "2": 11.11, "3": 6, "4": 0, "5": 15.7, "6": 6}
    assert r.total == 44.81
    assert r.formula == "qd766-v1"
    assert sum(g.max for g in r.groups) == 100


def test_the_dossiers_behind_the_on_time_rate(march, province, people):
    judged = MARCH.judged_at(NOW)
    unit = province["commune_a"]
    user = people["head"]
    num = drill.dossiers(user, unit, "on_time", MARCH, judged)
    den = drill.dossiers(user, unit, "received", MARCH, judged)
    late = drill.dossiers(user, unit, "late", MARCH, judged)
    assert {d.code for d in num} == codes(march, "D1", "D2", "D4", "D6", "D7")
    assert {d.code for d in den} == codes(march, *[f"D{i}" for i in range(1, 10)])
    assert {d.code for d in late} == codes(march, "D3", "D5", "D8", "D9")
    # a commune B head sees none of commune A's dossiers
    assert not drill.dossiers(people["commune_b_head"], unit, "received", MARCH, judged).exists()


def test_statistics_of_march(march, province):
    s = statistics.statistics(province["commune_a"], MARCH, now=NOW)
    f = s["figures"]
    assert (f["received"], f["received_direct"], f["received_online"]) == (9, 9, 0)
    assert f["carried_over"] == 0 and f["to_process"] == 9
    assert (f["resolved"], f["resolved_early"], f["resolved_on_time"], f["resolved_late"]) == (
        6, 1, 2, 3,
    )  # fmt: skip
    assert (f["in_progress"], f["in_progress_on_time"], f["in_progress_late"]) == (2, 1, 1)
    assert (f["returned"], f["withdrawn"], f["refused"], f["pending"]) == (1, 1, 1, 1)
    assert (f["supplemented"], f["supplement_requests"], f["apologized"]) == (2, 3, 1)
    assert f["resolved_on_time_rate"] == 50.0
    assert s["online_coverage"] == {
        "procedures": 1, "online_full": 0, "online_partial": 1, "online": 1,
        "online_rate": 100.0, "online_full_rate": 0.0,
    }  # fmt: skip
    assert not s["empty"]


def test_april_carries_over_march_and_has_no_receipts(march, province):
    april = periods.month(2026, 4)
    s = statistics.statistics(province["commune_a"], april, now=NOW)["figures"]
    assert s["received"] == 0 and s["carried_over"] == 2
    assert (s["resolved"], s["resolved_late"]) == (2, 2)  # D7 and D8 ended late in April
    assert s["in_progress"] == 0
    r = index.compute(province["commune_a"], april, now=NOW)
    assert r.empty and "Không có hồ sơ" in r.message
    assert r.indicator("2.1").ratio is None and r.indicator("2.1").score == 0
    assert r.indicator("5.4").score == 0  # no dossiers ⇒ 0


def test_the_march_figures_of_a_past_quarter_and_a_range(march, province):
    q1 = index.compute(province["commune_a"], periods.quarter(2026, 1), now=NOW)
    assert (q1.indicator("2.1").numerator, q1.indicator("2.1").denominator) == (5, 9)
    # a range cut mid-month reads the edge days from the facts: 01/03–10/03 holds D1–D6, D9
    part = index.compute(province["commune_a"], periods.parse("2026-03-01", "2026-03-10"), now=NOW)
    assert part.indicator("2.1").denominator == 7
    # judged at 11/03 00:00: D3, D5 and D9 (due 13/03, open then) → D9 is not yet late
    assert part.indicator("2.1").inputs["late"] == 2
    whole = index.compute(province["commune_a"], periods.parse("2026-03-01", "2026-04-30"), now=NOW)
    assert whole.indicator("2.1").inputs["late"] == 5  # D7 too, judged at 10/04


def test_province_counts_the_same_dossiers_once(march, province):
    root = index.compute(province["root"], MARCH, now=NOW)
    assert root.indicator("2.1").denominator == 9
    center = statistics.statistics(province["commune_a_center"], MARCH, now=NOW)["figures"]
    assert center["received"] == 9  # the desk that received them
    justice = statistics.statistics(province["justice"], MARCH, now=NOW)["figures"]
    assert justice["received"] == 0  # liên thông does not make the dossier Sở Tư pháp's


def test_ranking_is_competition_ranking(march):
    assert index.competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert index.competition_ranks([5, 5, 5]) == [1, 1, 1]
    rows = index.ranking("commune", MARCH, now=NOW)
    assert [(r["code"], r["rank"]) for r in rows] == [("000.00.31.H99", 1), ("000.00.32.H99", 2)]
    # xã Yên Mô: no dossier; 3.1 (2) + 5.2 (6) + 5.3 (6) = 14
    assert rows[1]["total"] == 14


def test_bad_periods_are_clear_errors():
    with pytest.raises(DomainError) as exc:
        periods.parse("2026-03-31", "2026-03-01")
    assert exc.value.code == "date_range_reversed"
    with pytest.raises(DomainError) as exc:
        periods.parse("2026-13-01", "2026-03-01")
    assert exc.value.code == "invalid_date"
    assert periods.parse(code="2026-Q1") == periods.quarter(2026, 1)
    assert periods.parse("2026-04-01", "2026-06-30").kind == "quarter"


def test_formulas_are_configuration():
    assert formulas.score({"max": 6, "full_at": 0.9}, 1, 2) == (0.5, 3.33)
    assert formulas.score({"max": 6, "if_empty": "max"}, 0, 0) == (None, 6)
    assert formulas.score({"max": 2, "full_at": 0.8}, 9, 10) == (0.9, 2)
    formulas.check_config(formulas.DEFAULT)
    broken = {"groups": [{"id": "1", "max": 50, "indicators": []}]}
    with pytest.raises(ValueError):
        formulas.check_config(broken)


def test_a_procedure_abolished_mid_period_counts_for_that_period_only(procedure, province):
    from motcua.catalog import services as catalog
    from motcua.catalog.models import ProcedureVersion, PublicationDecision
    from tests.factories import make_version

    version = make_version(code="1.000894", name="Đăng ký kết hôn", days=5,
                           units=[province["commune_a"]])  # fmt: skip
    ProcedureVersion.objects.filter(pk=version.pk).update(
        online_level="NONE", legal_basis_effective_date="2026-04-01"
    )
    version.refresh_from_db()
    first = PublicationDecision.objects.create(
        number="200/QĐ-UBND", date="2025-08-01", level="province", published_on="2025-08-04"
    )
    catalog.publish(version, first)
    repeal = PublicationDecision.objects.create(
        number="300/QĐ-UBND", date="2026-03-16", level="province", published_on="2026-03-25"
    )
    catalog.abolish(version.procedure, repeal)
    unit = province["commune_a"]
    march = index.compute(unit, MARCH, now=NOW)
    april = index.compute(unit, periods.month(2026, 4), now=NOW)
    # in force part of March: both procedures count; only the first is offered online
    assert (march.indicator("3.1").numerator, march.indicator("3.1").denominator) == (1, 2)
    assert (april.indicator("3.1").numerator, april.indicator("3.1").denominator) == (1, 1)
    # the repeal decision is dated in March: 1.1 — 16/03 is at least 5 working days before
    # 01/04 (deadline 25/03); 1.2 — published 25/03, after 16/03 + 5 working days (23/03)
    assert (march.indicator("1.1").numerator, march.indicator("1.1").denominator) == (1, 1)
    assert (march.indicator("1.2").numerator, march.indicator("1.2").denominator) == (0, 1)
    assert april.indicator("1.1").denominator == 0


def test_a_new_formula_version_applies_from_its_date(march, province):
    import copy
    from datetime import date

    from motcua.monitoring.models import FormulaConfig

    config = copy.deepcopy(formulas.DEFAULT)
    config["groups"][1]["indicators"][0]["full_at"] = 0.5  # 2.1: full points from 50%
    version = FormulaConfig(code="qd766-v2", name="Thử nghiệm", valid_from=date(2026, 3, 1),
                            config=config)  # fmt: skip
    version.full_clean()
    version.save()
    march_result = index.compute(province["commune_a"], MARCH, now=NOW)
    assert march_result.formula == "qd766-v2"
    assert march_result.indicator("2.1").score == 20  # 5/9 ≥ 50%
    assert march_result.indicator("2.1").formula == "min(20; 20 × r ÷ 0,5)"
    february = index.compute(province["commune_a"], periods.month(2026, 2), now=NOW)
    assert february.formula == "qd766-v1"
