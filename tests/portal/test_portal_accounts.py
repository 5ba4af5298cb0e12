"""Citizen and business accounts, authorisations, and sign-in through OpenID Connect
against a local provider speaking the real protocol (tests/portal/oidc_provider.py)."""

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse
from joserfc.jwk import RSAKey

from motcua.accounts import services
from motcua.accounts.models import Profile, Representation
from motcua.dossiers.models import Dossier
from tests.portal.conftest import make_citizen
from tests.portal.oidc_provider import Provider
from tests.portal.test_portal_submission import form, start

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "kind": "citizen",
    "name": "Trần Văn Hùng",
    "id_number": "036085001234",
    "tax_code": "",
    "phone": "0987654321",
    "email": "hung.tran@example.vn",
    "address": "Phường Hoa Lư, Ninh Bình",
    "password": "Hoa-Lu-2026!",
    "password2": "Hoa-Lu-2026!",
}


def test_register_then_log_in_with_the_identity_number(client):
    response = client.post(reverse("accounts:register"), REGISTRATION)
    assert response.status_code == 302
    profile = Profile.objects.get(id_number="036085001234")
    assert profile.user.username == "036085001234" and profile.name == "Trần Văn Hùng"
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "036085001234", "password": "Hoa-Lu-2026!"}
    )
    assert response.status_code == 302
    client.logout()
    wrong = client.post(reverse("accounts:login"), {"username": "036085001234", "password": "x"})
    assert "Số định danh (mã số thuế) hoặc mật khẩu không đúng" in wrong.content.decode()


def test_registration_errors_are_in_vietnamese_next_to_each_field(client):
    bad = {**REGISTRATION, "id_number": "12345", "phone": "12", "email": "khong-hop-le",
           "password2": "khác"}  # fmt: skip
    page = client.post(reverse("accounts:register"), bad).content.decode()
    assert 'id="id_id_number_error"' in page and "12 chữ số" in page
    assert 'id="id_phone_error"' in page and "Số điện thoại không hợp lệ" in page
    assert 'id="id_password2_error"' in page and "không khớp" in page
    assert 'value="Trần Văn Hùng"' in page and 'value="Phường Hoa Lư, Ninh Bình"' in page
    assert not Profile.objects.exists()
    # All the applicant errors at once, not just the first.
    bad = {**REGISTRATION, "id_number": "12345", "phone": "12", "email": "khong-hop-le"}
    page = client.post(reverse("accounts:register"), bad).content.decode()
    assert "Địa chỉ thư điện tử không hợp lệ" in page and "Số điện thoại không hợp lệ" in page


def test_one_account_per_identity_number(client):
    make_citizen("036085001234")
    page = client.post(reverse("accounts:register"), REGISTRATION).content.decode()
    assert "Đã có tài khoản đăng ký với số này" in page


def test_a_business_registers_with_its_tax_code(client):
    data = {**REGISTRATION, "kind": "organization", "name": "Công ty TNHH Hoa Lư",
            "id_number": "", "tax_code": "2700123456"}  # fmt: skip
    assert client.post(reverse("accounts:register"), data).status_code == 302
    profile = Profile.objects.get(tax_code="2700123456")
    assert profile.is_organization and profile.user.username == "2700123456"
    assert profile.applicant()["type"] == "organization"
    bad = {**data, "tax_code": "27001"}
    client.logout()
    page = client.post(reverse("accounts:register"), bad).content.decode()
    assert 'id="id_tax_code_error"' in page and "Mã số thuế" in page


def test_an_authorised_representative_submits_for_the_principal(
    client, citizen, online_procedure, province
):
    client.force_login(citizen)
    url = reverse("accounts:representations")
    page = client.post(url, {"principal_type": "citizen", "principal_name": "Lê Thị Lan",
                             "principal_id_number": "999"}).content.decode()  # fmt: skip
    assert "12 chữ số" in page and not Representation.objects.exists()
    client.post(
        url,
        {
            "principal_type": "citizen",
            "principal_name": "Lê Thị Lan",
            "principal_id_number": "037160000777",
            "principal_phone": "0911222333",
        },
    )
    rep = Representation.objects.get(representative=citizen)
    draft_url = start(client, citizen, online_procedure)
    # Choosing the principal fills the form with their details.
    client.post(draft_url, {**form(province, **{"thao-tac": "prefill"}), "nop-thay": str(rep.pk)})
    page = client.get(draft_url).content.decode()
    assert 'value="Lê Thị Lan"' in page and 'value="037160000777"' in page
    data = form(province, name="Lê Thị Lan", id_number="037160000777", phone="0911222333")
    response = client.post(draft_url, {**data, "nop-thay": str(rep.pk)})
    assert response.status_code == 302
    d = Dossier.objects.get(owner=citizen)
    assert (d.applicant_name, d.applicant_id_number) == ("Lê Thị Lan", "037160000777")
    assert (d.representative_name, d.representative_id_number) == (
        "Nguyễn Thị Ngọc Ánh", "037190000123",
    )  # fmt: skip
    # Once the authorisation ends, nobody submits in the principal's name any more.
    client.post(reverse("accounts:revoke", args=[rep.pk]))
    second = start(client, citizen, online_procedure)
    data = form(province, name="Lê Thị Lan", id_number="037160000777", phone="0911222333")
    page = client.post(second, {**data, "nop-thay": str(rep.pk)}).content.decode()
    assert "Ủy quyền không còn hiệu lực" in page


# --- OpenID Connect ----------------------------------------------------------------------------

IDENTITY = {
    "sub": "vneid-8f2c",
    "name": "Phạm Quốc Bảo",
    "id_number": "038095004321",
    "phone_number": "0909123456",
    "email": "bao.pham@example.vn",
    "address": {"formatted": "Xã Kim Sơn, tỉnh Ninh Bình"},
}


@pytest.fixture
def provider(settings):
    with Provider(client_id="motcua-portal", client_secret="bi-mat", identity=IDENTITY) as p:
        settings.MOTCUA_OIDC_ISSUER = p.issuer
        settings.MOTCUA_OIDC_CLIENT_ID = "motcua-portal"
        settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat"
        yield p


def sign_in(client, next_url="/ho-so/"):
    """Follow the code flow: our redirect → the provider → back to our callback."""
    response = client.get(reverse("accounts:oidc_start"), {"next": next_url})
    assert response.status_code == 302
    to_provider = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert to_provider.status_code == 302, to_provider.text
    back = to_provider.headers["Location"]
    assert back.startswith("http://testserver/tai-khoan/dinh-danh/callback/?code=")
    return client.get(back.removeprefix("http://testserver"))


def test_oidc_is_off_unless_configured(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "định danh điện tử" not in page
    assert client.get(reverse("accounts:oidc_start"))["Location"] == reverse("accounts:login")


def test_sign_in_through_the_identity_provider(client, provider):
    assert (
        "Đăng nhập bằng tài khoản định danh điện tử"
        in client.get(reverse("accounts:login")).content.decode()
    )
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/ho-so/"
    profile = Profile.objects.get(oidc_subject="vneid-8f2c")
    assert profile.oidc_issuer == provider.issuer and profile.identity_verified
    assert profile.id_number == "038095004321" and profile.name == "Phạm Quốc Bảo"
    assert profile.phone == "0909123456" and profile.user.email == "bao.pham@example.vn"
    assert profile.address == "Xã Kim Sơn, tỉnh Ninh Bình"
    assert client.get("/ho-so/").status_code == 200  # signed in
    # The second time, the same account.
    client.logout()
    sign_in(client)
    assert get_user_model().objects.filter(profile__isnull=False).count() == 1


def test_the_provider_links_a_local_account_with_the_same_identity_number(client, provider):
    local = make_citizen("038095004321")
    sign_in(client)
    assert Profile.objects.get(user=local).oidc_subject == "vneid-8f2c"
    assert Profile.objects.count() == 1


def test_a_forged_id_token_is_refused(client, provider):
    """Signed with a key the provider's JWKS does not publish (same key id)."""
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "vneid-test-1"})
    response = sign_in(client)
    assert response["Location"] == reverse("accounts:login")
    assert not Profile.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_callback_without_our_state_is_refused(client, provider):
    response = client.get(reverse("accounts:oidc_start"))
    redirect = requests.get(response["Location"], allow_redirects=False, timeout=5)
    back = redirect.headers["Location"].removeprefix("http://testserver")
    forged = back.replace("state=", "state=x")
    response = client.get(forged)
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_users_without_identity_number_complete_their_profile(client, settings):
    identity = {k: v for k, v in IDENTITY.items() if k != "id_number"}
    with Provider(client_id="motcua-portal", client_secret="bi-mat", identity=identity) as p:
        settings.MOTCUA_OIDC_ISSUER = p.issuer
        settings.MOTCUA_OIDC_CLIENT_ID = "motcua-portal"
        settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat"
        response = sign_in(client)
    assert response["Location"].startswith(reverse("accounts:profile"))
    profile = Profile.objects.get()
    assert not profile.identity_verified and not profile.complete
    response = client.post(
        response["Location"],
        {"name": "Phạm Quốc Bảo", "id_number": "038095004321", "phone": "0909123456",
         "email": "bao.pham@example.vn", "address": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert Profile.objects.get().complete


def test_service_links_by_subject_not_by_name():
    user = services.user_from_identity("https://idp", {"sub": "a1", "name": "X"}, "id_number")
    again = services.user_from_identity("https://idp", {"sub": "a1", "name": "Y"}, "id_number")
    other = services.user_from_identity("https://idp", {"sub": "b2", "name": "Y"}, "id_number")
    assert user == again != other
    assert Profile.objects.get(user=user).name == "Y"
