"""Who may call, and what each caller sees: tokens, sessions with CSRF, unit scope."""

import pytest
from django.test import Client

from motcua.api.models import ApiToken
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Event
from tests.factories import at, intake

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "Cần đăng nhập hoặc mã truy cập (token) hợp lệ.",
}


@pytest.fixture
def dossiers(procedure, people, province, commune_b_center):
    """Two dossiers in commune A (one overdue since March), one in commune B."""
    late = services.receive_at_counter(
        people["receiver"],
        province["commune_a_center"],
        intake(procedure),
        now=at("2026-03-02 09:00"),
    )
    fresh = services.receive_at_counter(
        people["receiver"], province["commune_a_center"], intake(procedure)
    )
    b = intake(procedure)
    b.applicant["name"] = "Trần Văn Bình"
    b.applicant["id_number"] = "037190000999"
    other = services.receive_at_counter(people["receiver_b"], commune_b_center, b)
    return {"late": late, "fresh": fresh, "b": other}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [d["code"] for d in response.json()["items"]]


def test_no_credentials_or_a_bad_token_is_401(dossiers, people):
    code = dossiers["late"].code
    for response in (
        Client().get("/api/v1/dossiers"),
        Client().get(f"/api/v1/dossiers/{code}"),
        Client().post("/api/v1/dossiers", {}, content_type="application/json"),
        Client().post(
            f"/api/v1/dossiers/{code}/actions/forward",
            {"version": 1},
            content_type="application/json",
        ),
        Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION="Bearer khong-dung"),
        Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION="Bearer abc.def"),
    ):
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED


def test_a_token_works_until_revoked_and_is_stored_only_hashed(dossiers, people):
    row, token = ApiToken.issue(people["receiver"], "Cổng DVCQG")
    assert token.startswith(row.prefix + ".") and token not in (row.key_hash, row.prefix)
    assert ApiToken.objects.filter(key_hash__contains=token.split(".")[1]).count() == 0
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/dossiers", **auth).status_code == 200
    row.refresh_from_db()
    first_use = row.last_used
    assert first_use is not None
    Client().get("/api/v1/dossiers", **auth)
    row.refresh_from_db()
    assert row.last_used == first_use  # written at most once a minute
    # The right prefix with a wrong secret is refused.
    wrong = f"{row.prefix}.{'x' * 43}"
    assert Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {wrong}").status_code == 401
    row.revoke()
    assert Client().get("/api/v1/dossiers", **auth).status_code == 401
    people["receiver"].is_active = False
    people["receiver"].save()
    _row, other = ApiToken.issue(people["receiver"], "Khác")
    assert Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401


def test_session_reads_freely_but_writes_need_the_csrf_token(dossiers, people):
    d = dossiers["fresh"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["receiver"])
    assert dossiers["fresh"].code in codes(browser.get("/api/v1/dossiers"))
    url = f"/api/v1/dossiers/{d.code}/actions/forward"
    refused = browser.post(url, {"version": d.row_version}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    d.refresh_from_db()
    assert d.state == "RECEIVED" and d.events.count() == 1
    secret = "a" * 32
    browser.cookies["csrftoken"] = secret
    done = browser.post(url, {"version": d.row_version}, content_type="application/json",
                        HTTP_X_CSRFTOKEN=secret)  # fmt: skip
    assert done.status_code == 200 and done.json()["state"] == "IN_PROCESS"


def test_each_official_lists_only_their_units_dossiers(dossiers, clients):
    a = {dossiers["late"].code, dossiers["fresh"].code}
    assert set(codes(clients["receiver"].get("/api/v1/dossiers"))) == a
    assert set(codes(clients["head"].get("/api/v1/dossiers"))) == a
    assert codes(clients["receiver_b"].get("/api/v1/dossiers")) == [dossiers["b"].code]
    # Asking for another commune's unit does not widen what one may see.
    assert codes(clients["receiver_b"].get("/api/v1/dossiers", {"unit": "000.00.31.H99"})) == []
    everything = codes(clients["admin"].get("/api/v1/dossiers"))
    assert set(everything) == a | {dossiers["b"].code}
    assert everything[0] == dossiers["late"].code  # ordered by due date, earliest first


def test_list_filters(dossiers, clients, procedure):
    admin = clients["admin"]
    late, fresh, b = (dossiers[k].code for k in ("late", "fresh", "b"))

    def get(**params):
        return set(codes(admin.get("/api/v1/dossiers", params)))

    assert get(overdue="true") == {late}
    assert get(overdue="false") == {fresh, b}
    assert get(unit="000.00.32.H99") == {b}
    assert get(procedure="1.001193") == {late, fresh, b}
    assert get(procedure="9.999999") == set()
    assert get(received_from="2026-03-02", received_to="2026-03-02") == {late}
    assert get(received_from="2026-03-03") == {fresh, b}
    assert get(due_to="2026-03-05") == {late}
    assert get(due_from="2026-03-06") == {fresh, b}
    assert get(state="RECEIVED") == {late, fresh, b}
    assert get(state=["IN_PROCESS", "RETURNED"]) == set()
    assert get(q="Trần Văn") == {b}
    assert get(q="037190000999") == {b}
    assert get(q=late[:-1]) >= {late}
    bad = admin.get("/api/v1/dossiers", {"state": "XONG"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    unknown = admin.get("/api/v1/dossiers", {"unit": "khong-co"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_unit"


def test_list_pages_by_cursor_without_counting(dossiers, clients):
    admin = clients["admin"]
    everything = codes(admin.get("/api/v1/dossiers"))
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = admin.get("/api/v1/dossiers", params).json()
        assert "count" not in page and len(page["items"]) <= 1
        seen += [d["code"] for d in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 3
    assert codes(admin.get("/api/v1/dossiers", {"limit": 2, "offset": 1})) == everything[1:]
    bad = admin.get("/api/v1/dossiers", {"cursor": "!!!"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


def test_the_list_costs_a_fixed_number_of_queries(dossiers, clients, django_assert_max_num_queries):
    admin = clients["admin"]
    admin.get("/api/v1/dossiers")  # warm the token's last_used and the calendar cache
    # token + official, roles, the page's keys, its rows, then versions, the three units and
    # assignees once for the whole page: no query per row
    with django_assert_max_num_queries(9) as one_row:
        assert len(codes(admin.get("/api/v1/dossiers?limit=1"))) == 1
    with django_assert_max_num_queries(9) as three_rows:
        assert len(codes(admin.get("/api/v1/dossiers"))) == 3
    assert len(three_rows.captured_queries) == len(one_row.captured_queries)


def test_a_dossier_one_may_not_see_is_404_like_one_that_does_not_exist(dossiers, clients):
    code = dossiers["late"].code
    outsider = clients["receiver_b"]
    missing = outsider.get("/api/v1/dossiers/000.01.31.H99-260302-9999")
    assert missing.status_code == 404
    assert missing.json() == {"code": "dossier_not_found", "message": "Không tìm thấy hồ sơ."}
    for response in (
        outsider.get(f"/api/v1/dossiers/{code}"),
        outsider.get(f"/api/v1/dossiers/{code}/events"),
        outsider.post(f"/api/v1/dossiers/{code}/actions/withdraw", {"version": 1, "reason": "Thử"}),
    ):
        assert response.status_code == 404 and response.json() == missing.json()
    assert Dossier.objects.get(code=code).state == "RECEIVED"
    assert Event.objects.filter(dossier__code=code).count() == 1
    assert clients["receiver"].get(f"/api/v1/dossiers/{code}").status_code == 200


def test_an_official_who_sees_but_may_not_act_gets_403(dossiers, clients):
    d = dossiers["fresh"]
    response = clients["specialist"].post(
        f"/api/v1/dossiers/{d.code}/actions/forward", {"version": d.row_version}
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert "Cán bộ tiếp nhận" in response.json()["message"]
    d.refresh_from_db()
    assert (d.state, d.row_version) == ("RECEIVED", 1)
