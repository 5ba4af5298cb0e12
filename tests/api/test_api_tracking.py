"""The public tracking lookup: code plus a second factor, nothing personal about others."""

import pytest
from django.test import Client

from motcua.dossiers import services
from tests.factories import at, intake

URL = "/api/v1/tracking"


@pytest.fixture
def dossier(procedure, people, province):
    d = services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure),
        now=at("2026-03-02 09:00"),
    )  # fmt: skip
    d = services.act(d, "forward", people["receiver"], now=at("2026-03-02 10:00"),
                     note="Ghi chú nội bộ")  # fmt: skip
    return services.act(
        d, "request_supplement", people["specialist"], now=at("2026-03-03 09:00"),
        reason="Thiếu bản sao giấy chứng sinh", items=["Giấy chứng sinh (bản sao)"],
    )  # fmt: skip


def track(code, factor):
    return Client().post(URL, {"code": code, "second_factor": factor},
                         content_type="application/json")  # fmt: skip


def test_the_applicant_sees_state_history_and_what_to_supplement(dossier):
    response = track(dossier.code, "037190000123")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == dossier.code and body["procedure_name"] == "Đăng ký khai sinh"
    assert (body["state"], body["national_code"]) == ("WAITING_SUPPLEMENT", 5)
    assert body["state_label"] == "Chờ bổ sung hồ sơ"
    assert body["received_at"] == "2026-03-02T09:00:00+07:00"
    assert body["due_at"] == "2026-03-05T17:00:00+07:00"
    assert [h["label"] for h in body["history"]] == [
        "Tiếp nhận hồ sơ", "Chuyển bước tiếp theo", "Yêu cầu bổ sung sau thẩm định",
    ]  # fmt: skip
    assert body["history"][0]["unit_name"] == "Trung tâm Phục vụ hành chính công xã Gia Viễn"
    assert body["requested_of_applicant"] == {
        "at": "2026-03-03T09:00:00+07:00",
        "reason": "Thiếu bản sao giấy chứng sinh",
        "items": ["Giấy chứng sinh (bản sao)"],
    }
    text = response.content.decode()
    for private in ("tiepnhan", "chuyenvien", "Ghi chú nội bộ", "Nguyễn Thị", "0912345678",
                    "anh.nguyen", "037190000123"):  # fmt: skip
        assert private not in text
    # The phone number works as the second factor too, with or without spaces or +84.
    assert track(dossier.code, "0912 345 678").status_code == 200
    assert track(dossier.code, "+84912345678").status_code == 200


def test_a_wrong_factor_looks_exactly_like_an_unknown_code(dossier):
    unknown = track("000.01.31.H99-260302-9999", "037190000123")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "dossier_not_found"
    for factor in ("037190000124", "0912345679", "123", ""):
        wrong = track(dossier.code, factor)
        assert wrong.status_code == 404 and wrong.content == unknown.content


def test_no_supplement_request_once_resumed(dossier, people):
    services.act(dossier, "complete_supplement", people["receiver"], now=at("2026-03-04 09:00"))
    body = track(dossier.code, "037190000123").json()
    assert body["state"] == "IN_PROCESS" and body["requested_of_applicant"] is None
    assert body["history"][-1]["label"] == "Tiếp nhận hồ sơ bổ sung"


def test_an_online_submission_is_tracked_before_its_receipt(procedure, province):
    d = services.submit_online(None, province["commune_a_center"], intake(procedure),
                               now=at("2026-03-02 20:00"))  # fmt: skip
    body = track(d.code, "037190000123").json()
    assert (body["state"], body["national_code"]) == ("SUBMITTED", 1)
    assert body["receiving_unit_name"] == "Trung tâm Phục vụ hành chính công xã Gia Viễn"
    assert [h["label"] for h in body["history"]] == ["Nộp hồ sơ trực tuyến"]


def test_tracking_needs_no_login_and_validates_its_body(db):
    response = Client().post(URL, {"code": "x"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def lookup(code, factor, address):
    return Client(REMOTE_ADDR=address).post(
        URL, {"code": code, "second_factor": factor}, content_type="application/json"
    )


def test_guessing_a_codes_second_factor_is_stopped(dossier):
    for i in range(20):  # from ever-changing addresses: the code itself is counted
        assert lookup(dossier.code, f"09000000{i:02d}", f"10.0.0.{i}").status_code == 404
    refused = lookup(dossier.code, "037190000123", "10.0.1.1")  # even the right number, now
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    assert "quá nhiều lần" in refused.json()["message"]
    assert "Chờ bổ sung" not in refused.content.decode()


def test_walking_the_codes_from_one_address_is_stopped(dossier):
    for i in range(20):
        assert (
            lookup(f"000.01.31.H99-260302-{i + 2:04d}", "037190000123", "10.0.0.9").status_code
            == 404
        )
    assert lookup(dossier.code, "037190000123", "10.0.0.9").status_code == 429
    assert lookup(dossier.code, "037190000123", "10.0.0.10").status_code == 200  # another


def test_looking_up_ones_own_dossier_often_is_never_refused(dossier):
    for _ in range(40):
        assert lookup(dossier.code, "037190000123", "10.0.0.7").status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_counted(dossier, settings):
    settings.MOTCUA_PROXY_HOPS = 1

    def via_proxy(client: str, factor: str):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client).post(
            URL, {"code": "KHONG-CO-MA", "second_factor": factor}, content_type="application/json"
        )

    for i in range(20):  # a stranger guessing, behind the same proxy as everyone
        assert via_proxy("203.0.113.9", f"09000000{i:02d}").status_code == 404
    assert via_proxy("203.0.113.9", "0900000099").status_code == 429
    # another citizen behind the same proxy, and one who forged a first hop, still get in
    assert lookup(dossier.code, "037190000123", "127.0.0.1").status_code == 200
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4")
    body = {"code": dossier.code, "second_factor": "037190000123"}
    assert forged.post(URL, body, content_type="application/json").status_code == 200
