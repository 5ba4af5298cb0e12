"""Legacy import: validation of every row, all or nothing, idempotent, figures by hand."""

import csv

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier, Event
from motcua.monitoring import consistency, importer, index, periods, statistics
from motcua.monitoring.models import DossierFact, UnitTally
from tests.factories import at

NOW = at("2026-04-10 10:00")
FEB = periods.month(2026, 2)
CENTER, COMMUNE = "000.01.31.H99", "000.00.31.H99"
PROC = "1.001193"


def row(code, **values):
    base = dict.fromkeys(importer.COLUMNS, "")
    base.update(code=code, procedure_code=PROC, unit_code=CENTER, channel="direct",
                applicant_type="citizen", status="2")  # fmt: skip
    base.update({k: str(v) for k, v in values.items()})
    return base


def t(text):
    return f"2026-{text}:00+07:00"


GOOD = [
    row("IMP-1", received_at=t("02-02T09:00"), due_at=t("02-05T17:00"),
        finished_at=t("02-04T10:00"), returned_at=t("02-05T08:00"), status=10, e_result="true",
        digitized="true", rating=5),
    row("IMP-2", channel="online", received_at=t("02-02T10:00"), finished_at=t("02-06T09:00"),
        status=9, e_result="true", has_fee="true", paid_online="true", vneid="true",
        reused_data="true", rating=1),
    row("IMP-3", unit_code=COMMUNE, channel="postal", received_at=t("02-03T09:00"),
        due_at=t("02-06T17:00"), status=4),
    row("IMP-4", received_at=t("02-03T09:00"), due_at=t("02-06T17:00"),
        finished_at=t("02-05T10:00"), status=9, supplement_requests=2),
    row("IMP-5", received_at=t("02-04T08:00"), due_at=t("02-09T17:00"), status=9,
        finished_at=t("02-12T10:00"), supplement_requests=1,
        supplement_requested_at=t("02-05T09:00"), supplement_completed_at=t("02-10T09:00")),
    row("IMP-6", received_at=t("02-04T08:00"), finished_at=t("02-04T12:00"), status=7),
    row("IMP-7", channel="online", received_at=t("02-05T08:00"), status=3,
        finished_at=t("02-05T09:00")),
    row("IMP-8", received_at=t("02-03T08:00"), due_at=t("02-06T17:00"), status=8,
        finished_at=t("02-20T09:00"), supplement_requests=1,
        supplement_requested_at=t("02-05T09:00")),
]  # fmt: skip


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=importer.COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def imported(tmp_path, procedure, province):
    path = write(tmp_path / "lich-su.csv", GOOD)
    return importer.import_file(path, fast=False), path


def test_import_makes_ordinary_dossiers_with_an_import_event(imported, province):
    report, _ = imported
    assert (report.rows, report.imported, report.skipped) == (8, 8, 0)
    d = Dossier.objects.get(code="IMP-1")
    assert d.state == "RETURNED" and d.national_code == 10 and d.verdict == "EARLY"
    assert d.receiving_unit == province["commune_a_center"]
    assert d.competent_unit == province["commune_a"]
    assert d.returned_at == at("2026-02-05 08:00")
    e = Event.objects.get(dossier=d)
    assert e.action == "import" and e.data["source"] == "lich-su.csv" and e.data["line"] == 2
    d2 = Dossier.objects.get(code="IMP-2")
    assert d2.due_at == at("2026-02-05 17:00")  # computed from the procedure: 3 working days
    assert d2.verdict == "LATE" and d2.paid_online
    d3 = Dossier.objects.get(code="IMP-3")  # named by its commune: received at the commune's desk
    assert d3.receiving_unit == province["commune_a_center"] and d3.state == "IN_PROCESS"
    d5 = Dossier.objects.get(code="IMP-5")
    assert d5.original_due_at == at("2026-02-09 17:00")
    assert d5.due_at == at("2026-02-12 17:00")  # + 3 working days waiting for the supplement
    assert d5.verdict == "ON_TIME"
    d7 = Dossier.objects.get(code="IMP-7")
    assert d7.state == "REJECTED" and d7.received_at is None
    assert DossierFact.objects.count() == 8


def test_imported_history_feeds_the_index_and_statistics(imported, province):
    r = index.compute(province["commune_a"], FEB, now=NOW)
    # received: IMP-1..6 and 8; late at 01/03: IMP-2 (late), IMP-3 (open, due 06/02), IMP-4 (2
    # supplement requests). IMP-8 stopped while waiting for a supplement requested before due.
    assert (r.indicator("2.1").numerator, r.indicator("2.1").denominator) == (4, 7)
    assert r.indicator("2.1").score == 11.43
    assert (r.indicator("3.3").numerator, r.indicator("3.3").denominator) == (1, 7)
    assert (r.indicator("3.6").numerator, r.indicator("3.6").denominator) == (1, 1)
    assert r.indicator("3.6").score == 6
    assert (r.indicator("4.5b").numerator, r.indicator("4.3").numerator) == (1, 1)
    # 5.4: 1 − 3/7 (late) − 1/7 (rated 1 = không hài lòng) = 3/7 → 6 × (3/7) / 0.9
    assert (r.indicator("5.4").numerator, r.indicator("5.4").score) == (3, 2.86)
    f = statistics.statistics(province["commune_a"], FEB, now=NOW)["figures"]
    assert f["received"] == 7
    assert (f["received_direct"], f["received_online"], f["received_postal"]) == (5, 1, 1)
    assert (f["resolved"], f["resolved_early"], f["resolved_on_time"], f["resolved_late"]) == (
        5, 2, 1, 2,
    )  # fmt: skip
    assert (f["withdrawn"], f["refused"], f["stopped"], f["returned"]) == (1, 1, 1, 1)
    assert (f["in_progress"], f["in_progress_late"]) == (1, 1)
    assert (f["rated"], f["liked"], f["disliked"], f["rating_average"]) == (2, 1, 1, 3.0)


def test_importing_the_same_file_twice_changes_nothing(imported):
    _, path = imported
    before = (Dossier.objects.count(), Event.objects.count(),
              list(UnitTally.objects.order_by("pk").values()))  # fmt: skip
    again = importer.import_file(path, fast=False)
    assert (again.imported, again.skipped) == (0, 8)
    after = (Dossier.objects.count(), Event.objects.count(),
             list(UnitTally.objects.order_by("pk").values()))  # fmt: skip
    assert before == after
    assert consistency.check().ok


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path, procedure, province):
    rows = [
        GOOD[0],
        row("B-1", procedure_code="9.999999", received_at=t("02-02T09:00")),
        row("B-2", unit_code="000.00.12.H99", received_at=t("02-02T09:00")),
        row("B-3", received_at="2026-02-02T09:00"),
        row("B-4", received_at=t("02-05T09:00"), finished_at=t("02-04T09:00"), status=9),
        row("B-5", received_at=t("02-02T09:00"), status=11),
        row("IMP-1", received_at=t("02-02T09:00")),
        row("B-6", received_at=t("02-02T09:00"), paid_online="true"),
        row("B-7", received_at=t("02-02T09:00"), status=4, finished_at=t("02-03T09:00")),
        row("B-8", received_at=t("02-02T09:00"), rating=7, channel="fax"),
    ]
    path = write(tmp_path / "loi.csv", rows)
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_file(path, fast=False)
    errors = {(e.line, e.column) for e in exc.value.report.errors}
    assert errors == {
        (3, "procedure_code"), (4, "unit_code"), (5, "received_at"), (6, "finished_at"),
        (7, "status"), (8, "code"), (9, "paid_online"), (10, "finished_at"), (11, "channel"),
    }  # fmt: skip
    messages = [str(e) for e in exc.value.report.errors]
    assert "Dòng 5 (cột received_at): thời điểm «2026-02-02T09:00» thiếu múi giờ" in messages[2]
    assert "trùng mã hồ sơ với dòng 2" in messages[5]
    assert Dossier.objects.count() == 0 and DossierFact.objects.count() == 0


def test_the_command_prints_errors_and_exits_non_zero(tmp_path, procedure, capsys):
    path = write(tmp_path / "loi.csv", [row("B-1", received_at="hôm qua")])
    with pytest.raises(SystemExit) as exc:
        call_command("import_dossiers", str(path), "--no-copy")
    assert exc.value.code == 1
    assert "Dòng 2 (cột received_at)" in capsys.readouterr().err
    good = write(tmp_path / "tot.csv", GOOD[:2])
    call_command("import_dossiers", str(good), "--no-copy")
    assert "đã nhập 2 hồ sơ" in capsys.readouterr().out


def test_missing_columns_are_one_clear_error(tmp_path, procedure):
    path = tmp_path / "thieu.csv"
    path.write_text("code,procedure_code\nX,1.001193\n", encoding="utf-8")
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_file(path, fast=False)
    assert "thiếu cột" in exc.value.report.errors[0].message
