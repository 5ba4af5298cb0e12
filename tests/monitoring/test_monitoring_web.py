"""Pages and API of monitoring: permissions, drill-down, the documented endpoints, exports."""

import io
import json
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.api.models import ApiToken

A = "000.00.31.H99"  # xã Gia Viễn (commune_a)
MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def head(client, people):
    client.force_login(people["head"])
    return client


def test_dashboard_shows_the_index_and_refreshes_itself(head, march):
    r = head.get(f"/giam-sat/{A}/?{MARCH}")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'hx-trigger="every 60s"' in html and "<svg" in html
    assert "Bảng điều khiển — Ủy ban nhân dân xã Gia Viễn" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # CSP: no inline script
    assert " style=" not in html and "<style" not in html  # CSP: no inline style
    assert head.get("/giam-sat/").status_code == 302


def test_index_page_links_every_dossier_figure(head, march):
    html = head.get(f"/giam-sat/{A}/chi-so-766/?{MARCH}").content.decode()
    assert "indicator=2.1&amp;part=numerator" in html
    assert "44.81" in html or "44,81" in html
    r = head.get(f"/giam-sat/{A}/ho-so/?{MARCH}&indicator=2.1&part=numerator")
    page = r.content.decode()
    assert "5 hồ sơ" in page
    for key in ("D1", "D2", "D4", "D6", "D7"):
        assert march.d[key].code in page
    assert march.d["D3"].code not in page
    procs = head.get(f"/giam-sat/{A}/thu-tuc/?{MARCH}&indicator=3.1&part=denominator")
    assert "1.001193" in procs.content.decode()


def test_a_unit_outside_the_roles_is_forbidden(client, people, march, province):
    client.force_login(people["commune_b_head"])
    assert client.get(f"/giam-sat/{A}/?{MARCH}").status_code == 403
    assert client.get(f"/giam-sat/{A}/ho-so/?{MARCH}").status_code == 403
    assert client.get("/giam-sat/000.00.32.H99/").status_code == 200
    assert client.get("/giam-sat/khong-co/").status_code == 404
    reversed_range = client.get("/giam-sat/000.00.32.H99/?from=2026-03-31&to=2026-03-01")
    assert reversed_range.status_code == 422
    assert "trước ngày bắt đầu" in reversed_range.content.decode()


def test_other_pages_render(head, march):
    for path in ("thong-ke/?by=unit", "thong-ke/?by=procedure&interval=day",
                 "thong-ke/?by=official", "thong-ke/?by=level", "thong-ke/?by=field",
                 "cham-muon/", "bao-cao/"):  # fmt: skip
        sep = "&" if "?" in path else "?"
        r = head.get(f"/giam-sat/{A}/{path}{sep}{MARCH}")
        assert r.status_code == 200, path
    late = head.get(f"/giam-sat/{A}/cham-muon/?{MARCH}").content.decode()
    assert "chuyenvien.stp" in late  # D9 ran late at Sở Tư pháp
    assert "Phòng Hành chính tư pháp" in late


@pytest.fixture
def token(people):
    _token, secret = ApiToken.issue(people["head"], "kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_index_has_every_indicator_with_inputs(client, march, token):
    r = client.get(f"/api/v1/monitoring/index?unit={A}&{MARCH}", **token)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == 44.81 and body["max"] == 100
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31", "label": "Tháng 03/2026"}
    ids = [i["id"] for g in body["groups"] for i in g["indicators"]]
    assert ids[:4] == ["1.1", "1.2", "1.3", "1.4"] and len(ids) == 23
    on_time = next(i for g in body["groups"] for i in g["indicators"] if i["id"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"], on_time["score"]) == (5, 9, 11.11)
    assert on_time["inputs"]["late"] == 4 and on_time["formula"] == "20 × r"
    assert body["ranking"]["position"] == 1 and body["ranking"]["of"] == 2


def test_api_statistics_and_errors(client, march, token):
    r = client.get(
        f"/api/v1/monitoring/statistics?unit={A}&{MARCH}&by=unit&interval=month", **token
    )
    assert r.status_code == 200
    body = r.json()
    assert body["figures"]["received"] == 9 and body["figures"]["resolved_late"] == 3
    assert body["trend"][0]["received"] == 9
    assert client.get(f"/api/v1/monitoring/index?unit={A}&{MARCH}").status_code == 401
    bad = client.get(f"/api/v1/monitoring/index?unit={A}&from=2026-03-31&to=2026-03-01", **token)
    assert bad.status_code == 422 and bad.json()["code"] == "date_range_reversed"
    unknown = client.get(f"/api/v1/monitoring/index?unit=X&{MARCH}", **token)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_unit"
    other = client.get(f"/api/v1/monitoring/statistics?unit=000.00.12.H99&{MARCH}", **token)
    assert other.status_code == 403
    empty = client.get(f"/api/v1/monitoring/statistics?unit={A}&from=2025-01-01&to=2025-01-31",
                       **token).json()  # fmt: skip
    assert empty["empty"] and empty["figures"]["received"] == 0
    assert "Không có hồ sơ" in empty["message"]


def test_api_drill_down_lists_the_dossiers(client, march, token):
    r = client.get(f"/api/v1/monitoring/dossiers?unit={A}&{MARCH}&indicator=2.1&part=denominator",
                   **token).json()  # fmt: skip
    assert r["count"] == 9 and len(r["items"]) == 9
    late = client.get(f"/api/v1/monitoring/dossiers?unit={A}&{MARCH}&population=late", **token)
    assert {i["code"] for i in late.json()["items"]} == {
        march.d[k].code for k in ("D3", "D5", "D8", "D9")
    }


def test_openapi_documents_the_monitoring_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/v1/monitoring/index", "/api/v1/monitoring/statistics",
                 "/api/v1/monitoring/report", "/api/v1/monitoring/dossiers"):  # fmt: skip
        assert path in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/monitoring/index"]["get"]["parameters"]}
    assert {"unit", "from", "to"} <= params


def test_report_exports_read_back(client, march, token, tmp_path, province):
    xlsx = client.get(f"/api/v1/monitoring/report?unit={A}&{MARCH}&format=xlsx", **token)
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[:4] == ["Tổng hợp", "Theo đơn vị", "Theo lĩnh vực", "Chỉ số 766"]
    summary = {row[0].value: row[1].value for row in wb["Tổng hợp"].iter_rows(min_row=7)}
    assert summary["Tiếp nhận trong kỳ"] == 9 and summary["Đã giải quyết quá hạn"] == 3
    assert "44.81/100" in wb["Chỉ số 766"]["A1"].value
    pdf = client.get(f"/api/v1/monitoring/report?unit={A}&{MARCH}&format=pdf", **token)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Tháng 03/2026" in text and "Tháng 02/2026" in text
    out = tmp_path / "bc.xlsx"
    call_command("report", "--unit", A, "--from", "2026-03-01", "--to", "2026-03-31",
                 "--format", "xlsx", "-o", str(out))  # fmt: skip
    assert load_workbook(out)["Tổng hợp"]["A1"].value.startswith("BÁO CÁO")
    js = tmp_path / "bc.json"
    call_command("report", "--unit", A, "--period", "2026-03", "--format", "json", "-o", str(js))
    data = json.loads(js.read_text())
    assert data["figures"]["received"] == 9 and data["index"]["total"] == 44.81
