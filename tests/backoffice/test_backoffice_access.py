"""Who may open what: login, officials only, and unit scope enforced on every dossier URL."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_officials_login_page(received):
    r = Client().get(f"/can-bo/ho-so/{received.code}/")
    assert r.status_code == 302
    assert r["Location"].startswith("/can-bo/dang-nhap/?next=/can-bo/ho-so/")
    page = Client().get("/can-bo/dang-nhap/")
    assert page.status_code == 200 and "Đăng nhập hệ thống một cửa" in page.text


def test_login_then_home(staff):
    c = Client()
    r = c.post("/can-bo/dang-nhap/", {"username": "tiepnhan", "password": "wrong"})
    assert r.status_code == 200 and "không đúng" in r.text
    r = c.post("/can-bo/dang-nhap/", {"username": "tiepnhan", "password": "pw-for-tests-only"})
    assert r.status_code == 302 and r["Location"] == "/can-bo/"
    assert "Việc của tôi" in c.get("/can-bo/").text


def test_a_citizen_account_is_not_an_official(db):
    citizen = get_user_model().objects.create_user("congdan", password="x")
    c = Client()
    c.force_login(citizen)
    assert c.get("/can-bo/").status_code == 403


def test_another_communes_dossier_is_refused_by_url(received, staff, client_for):
    """An official of commune B guessing commune A's dossier URLs gets 403 everywhere."""
    c = client_for(staff["other"])
    code = received.code
    assert c.get(f"/can-bo/ho-so/{code}/").status_code == 403
    assert c.get(f"/can-bo/ho-so/{code}/in/receipt.pdf").status_code == 403
    assert c.get(f"/can-bo/ho-so/{code}/bien-nhan/").status_code == 403
    assert c.get(f"/can-bo/ho-so/{code}/tep/1/").status_code == 403
    r = c.post(f"/can-bo/ho-so/{code}/thao-tac/forward/", {"expected_version": 1})
    assert r.status_code == 403
    assert Dossier.objects.get(code=code).step_order == 1  # nothing happened
    assert c.get("/can-bo/ho-so/000.00.00.H99-260302-9999/").status_code == 404
    # Their lists do not show it either.
    link = f'href="/can-bo/ho-so/{code}/"'
    assert link not in c.get("/can-bo/?pham-vi=tat-ca").text
    assert link not in c.get(f"/can-bo/?pham-vi=tat-ca&q={code}").text


def test_the_owner_unit_sees_it(received, staff, client_for):
    r = client_for(staff["receiver"]).get(f"/can-bo/ho-so/{received.code}/")
    assert r.status_code == 200 and received.code in r.text
    assert "Nguyễn Thị Ngọc Ánh" in r.text


def test_counter_needs_a_receiving_role(staff, client_for):
    assert client_for(staff["specialist"]).get("/can-bo/tiep-nhan/").status_code == 403
    assert client_for(staff["receiver"]).get("/can-bo/tiep-nhan/").status_code == 200
