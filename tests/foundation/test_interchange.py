import copy
import json

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.interchange import (
    CatalogImportError,
    export_catalog,
    from_csv,
    import_catalog,
    to_csv,
)
from motcua.catalog.models import Procedure, ProcedureVersion

GOOD = {
    "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
    "decisions": [
        {
            "number": "1/QĐ-UBND",
            "date": "2025-07-10",
            "level": "province",
            "issuer": "000.00.00.H99",
            "published_on": "2025-07-14",
        }
    ],
    "procedures": [
        {
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "field": "HOTICH",
            "levels": ["commune"],
            "implementing_units": ["000.00.31.H99"],
            "subject_types": ["citizen"],
            "time_limit": {"value": 1, "unit": "WORKING_DAY"},
            "online_level": "FULL",
            "full_online_eligible": True,
            "decision": "1/QĐ-UBND",
            "documents": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0}],
            "fees": [{"kind": "LE_PHI", "name": "Lệ phí", "amount": 0}],
            "steps": [
                {"name": "Tiếp nhận", "role": "RECEIVER", "unit": "@receiving", "hours": 2},
                {"name": "Giải quyết", "role": "SPECIALIST", "unit": "@competent", "hours": 6},
            ],
        },
        {
            "code": "1.000894",
            "name": "Đăng ký kết hôn",
            "field": "HOTICH",
            "levels": ["commune"],
            "implementing_units": ["000.00.31.H99"],
            "subject_types": ["citizen"],
            "time_limit": {"value": 5, "unit": "WORKING_DAY"},
            "online_level": "PARTIAL",
            "decision": "1/QĐ-UBND",
            "documents": [{"name": "Tờ khai đăng ký kết hôn", "originals": 1}],
            "steps": [{"name": "Giải quyết", "role": "SPECIALIST", "hours": 40}],
        },
    ],
}


def test_import_then_export_round_trips(province):
    report = import_catalog(GOOD)
    assert (report.created, report.amended, report.unchanged) == (2, 0, 0)
    exported = export_catalog()
    codes = [p["code"] for p in exported["procedures"]]
    assert codes == ["1.000894", "1.001193"]
    khai_sinh = exported["procedures"][1]
    assert khai_sinh["steps"][0] == {
        "name": "Tiếp nhận",
        "role": "RECEIVER",
        "unit": "@receiving",
        "hours": 2,
    }
    again = import_catalog(exported)
    assert (again.created, again.amended, again.unchanged) == (0, 0, 2)
    assert ProcedureVersion.objects.count() == 2


def test_importing_a_changed_procedure_publishes_an_amendment(province):
    import_catalog(GOOD)
    changed = copy.deepcopy(GOOD)
    changed["procedures"][1]["name"] = "Đăng ký kết hôn (sửa đổi)"
    report = import_catalog(changed)
    assert (report.created, report.amended, report.unchanged) == (0, 1, 1)
    procedure = Procedure.objects.get(code="1.000894")
    assert procedure.current_version.number == 2
    assert procedure.versions.get(number=1).status == "SUPERSEDED"


def test_a_bad_file_reports_every_bad_item_and_imports_nothing(province):
    bad = copy.deepcopy(GOOD)
    bad["procedures"][0]["steps"][1]["hours"] = 5  # 2 + 5 ≠ 8
    bad["procedures"][1]["field"] = "KHONGCO"
    with pytest.raises(CatalogImportError) as exc:
        import_catalog(bad)
    errors = exc.value.errors
    assert len(errors) == 2
    assert errors[0].startswith("Thủ tục thứ 1 (1.001193): steps:")
    assert errors[1].startswith("Thủ tục thứ 2 (1.000894): field:")
    assert Procedure.objects.count() == 0 and ProcedureVersion.objects.count() == 0


def test_csv_round_trip_and_line_numbers(province, tmp_path):
    import_catalog(GOOD)
    text = to_csv(export_catalog()["procedures"])
    rows = from_csv(text)
    assert [r["code"] for r in rows] == ["1.000894", "1.001193"]
    assert rows[1]["steps"][1] == {
        "name": "Giải quyết",
        "role": "SPECIALIST",
        "unit": "@competent",
        "hours": "6",
    }
    broken = text.replace("5 WORKING_DAY", "5 TUAN")
    path = tmp_path / "catalog.csv"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError, match="Không nhập gì"):
        call_command("catalog_import", str(path))


def test_import_command_reports_lines(province, tmp_path, capsys):
    data = copy.deepcopy(GOOD)
    data["procedures"][1]["time_limit"]["unit"] = "TUAN"
    csv_text = to_csv(data["procedures"])
    path = tmp_path / "bad.csv"
    path.write_text(csv_text, encoding="utf-8")
    (tmp_path / "meta.json").write_text(json.dumps({k: GOOD[k] for k in ("fields", "decisions")}))
    call_command("catalog_import", str(tmp_path / "meta.json"))
    with pytest.raises(CommandError):
        call_command("catalog_import", str(path))
    err = capsys.readouterr().err
    assert "TUAN" in err and err.count("Dòng") == 1
    assert Procedure.objects.count() == 0


def test_export_command_writes_json(province, tmp_path):
    import_catalog(GOOD)
    out = tmp_path / "out.json"
    call_command("catalog_export", "--format", "json", "-o", str(out))
    assert len(json.loads(out.read_text(encoding="utf-8"))["procedures"]) == 2
