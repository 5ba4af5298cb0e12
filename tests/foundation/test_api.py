import pytest
from django.test import Client

from motcua.catalog import services
from tests.factories import make_version


@pytest.fixture
def client():
    return Client()


def test_openapi_document_lists_the_catalog(client, db):
    doc = client.get("/api/openapi.json").json()
    assert doc["info"]["title"] == "Mot Cua API"
    for path in ("/api/v1/procedures", "/api/v1/procedures/{code}", "/api/v1/units"):
        assert path in doc["paths"], path
    assert client.get("/api/docs").status_code == 200


def test_procedure_search_without_diacritics(client, published):
    body = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == "1.001193" and item["name"] == "Đăng ký khai sinh"
    assert item["time_limit"] == {"value": 3, "unit": "WORKING_DAY", "label": "3 ngày làm việc"}


def test_procedure_list_filters_and_paginates(client, published, province, decision):
    for i in range(3):
        services.publish(
            make_version(code=f"2.00000{i}", name=f"Thủ tục {i}", units=[province["commune_b"]]),
            decision,
        )
    page = client.get("/api/v1/procedures", {"limit": 2, "offset": 0}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    only_a = client.get("/api/v1/procedures", {"unit": "000.00.31.H99"}).json()
    assert [i["code"] for i in only_a["items"]] == ["1.001193"]
    assert client.get("/api/v1/procedures", {"field": "KHAC"}).json()["count"] == 0


def test_procedure_detail_has_documents_fees_steps(client, published):
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["version"] == 1 and body["publication_status"] == "DANG_CONG_KHAI"
    assert body["documents"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert [s["role"] for s in body["steps"]] == ["RECEIVER", "SPECIALIST", "HEAD"]
    assert body["decision"]["number"] == "100/QĐ-UBND"
    assert sorted(body["implementing_units"]) == ["000.00.31.H99", "000.00.32.H99"]


def test_errors_are_json_with_a_stable_code(client, db):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy."}
    bad = client.get("/api/v1/procedures", {"limit": "nhieu"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error" and "limit" in bad.json()["message"]


def test_unit_tree(client, province):
    roots = client.get("/api/v1/units").json()
    assert [r["code"] for r in roots] == ["000.00.00.H99"]
    children = {c["code"]: c for c in roots[0]["children"]}
    assert children["000.00.12.H99"]["children"][0]["name"] == "Phòng Hành chính tư pháp"
    assert children["000.00.01.H99"]["one_stop"] is True
