"""The citizen's whole journey in a real browser (Debian's chromium, Playwright), on the
demo province, on a phone-sized screen: find → sign in → fill and attach → submit →
receipt → (official receives) → answer a supplement request → result → rate; then a
second dossier reusing a document kept in the citizen's e-data repository."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.agencies.models import RoleAssignment
from motcua.documents.services import store
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier, State
from motcua.ratings.models import Rating
from tests.portal.conftest import PDF, PNG, make_citizen
from tests.portal.oidc_provider import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem"
GIA_VIEN = "Ủy ban nhân dân xã Gia Viễn — nộp tại Trung tâm Phục vụ hành chính công xã Gia Viễn"


def official(role: str, unit_name: str):
    found = RoleAssignment.objects.filter(role=role, unit__name=unit_name).first()
    return found.official.user


def attach(page, key: str, name: str, data: bytes, mime: str):
    page.set_input_files(f"#bm-{key}", files=[{"name": name, "mimeType": mime, "buffer": data}])


def test_citizen_journey_and_reuse(live_server, page):
    call_command("load_demo", "--quiet")
    citizen = make_citizen(address="Thôn Đông, xã Gia Viễn, tỉnh Ninh Bình")
    page.set_viewport_size({"width": 390, "height": 844})

    # Find: search without diacritics, open the procedure.
    page.goto(live_server.url + "/")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.locator(".results li a", has_text=re.compile(r"^Đăng ký khai sinh$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_role("heading", name="Căn cứ pháp lý")).to_be_visible()

    # Submit: sign in on the way, the form is prefilled from the account.
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("037190000123")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    expect(page.locator("#bm-id_number")).to_have_value("037190000123")
    page.get_by_label("Cơ quan giải quyết và nơi tiếp nhận").select_option(label=GIA_VIEN)
    # A disguised file is refused with the reason, and what was typed stays.
    page.locator("#bm-summary").fill("Đăng ký khai sinh cho bé Nguyễn Minh An")
    attach(page, "giay_to_1", "to-khai.pdf", b"MZ this is an exe", "application/pdf")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator("#bm-giay_to_1-loi")).to_contain_text("không phải PDF, JPEG hoặc PNG")
    expect(page.locator("#bm-summary")).to_have_value("Đăng ký khai sinh cho bé Nguyễn Minh An")
    attach(page, "giay_to_1", "to-khai.pdf", PDF, "application/pdf")
    attach(page, "giay_to_2", "giay-chung-sinh.png", PNG, "image/png")
    attach(page, "giay_to_5", "can-cuoc.pdf", PDF + b"cccd", "application/pdf")
    page.get_by_label("Trực tuyến (kết quả điện tử)").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    # Receipt with the code.
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    code = page.locator("#ma-ho-so").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.owner == citizen and dossier.state == State.SUBMITTED

    # The commune's officials receive it; the specialist asks for a supplement.
    unit = "Ủy ban nhân dân xã Gia Viễn"
    receiver = official("RECEIVER", "Trung tâm Phục vụ hành chính công xã Gia Viễn")
    specialist, head = official("SPECIALIST", unit), official("HEAD", unit)
    d = dossiers.act(dossier, "receive", receiver)
    d = dossiers.act(d, "forward", receiver)
    dossiers.act(d, "request_supplement", specialist, reason="Giấy chứng sinh bị mờ.",
                 items=["Giấy chứng sinh bản rõ nét"])  # fmt: skip

    # The citizen answers it online.
    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name="Hồ sơ cần bổ sung")).to_be_visible()
    expect(page.get_by_text("Giấy chứng sinh bản rõ nét").first).to_be_visible()
    page.set_input_files("#bo-sung-tep", files=[
        {"name": "chung-sinh-ro.pdf", "mimeType": "application/pdf", "buffer": PDF + b"ro"}
    ])  # fmt: skip
    page.get_by_label("Nội dung giải trình, bổ sung").fill("Gửi bản chụp rõ nét.")
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    expect(page.get_by_text("Đã gửi hồ sơ bổ sung.")).to_be_visible()
    assert Dossier.objects.get(pk=d.pk).state == State.IN_PROCESS

    # Result, returned online.
    d = dossiers.act(code, "forward", specialist)
    d = dossiers.act(d, "resolve", head, result_file=store(PDF + b"gks", "giay-khai-sinh.pdf"),
                     result_number="15/2026/GKS")  # fmt: skip
    dossiers.act(d, "return_result", receiver, method="online")
    page.reload()
    expect(page.get_by_role("link", name="Tải kết quả điện tử")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải kết quả điện tử").click()
    assert download.value.suggested_filename == "giay-khai-sinh.pdf"

    # Rate.
    page.get_by_role("link", name="Đánh giá sự hài lòng").click()
    for element in ("access", "procedure", "official", "result", "feedback"):
        page.locator(f"#{element}-5").check()
    overall = page.get_by_role("group", name="Đánh giá chung về việc giải quyết hồ sơ")
    overall.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá")).to_be_visible()
    assert Rating.objects.get(dossier=d).liked

    # A second dossier reuses the identity document kept in the repository.
    page.goto(live_server.url + "/thu-tuc/1.004873/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    identity = page.locator(".bm-file", has=page.locator("#bm-giay_to_3"))
    reuse = identity.get_by_role("checkbox").first  # the look-alike comes first
    expect(reuse).to_have_accessible_name(re.compile(r"can-cuoc\.pdf \(kho dữ liệu, hồ sơ "))
    reuse.check()
    attach(page, "giay_to_1", "to-khai-xac-nhan.pdf", PDF + b"tk2", "application/pdf")
    page.get_by_label("Cơ quan giải quyết và nơi tiếp nhận").select_option(label=GIA_VIEN)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    second = Dossier.objects.get(code=page.locator("#ma-ho-so").inner_text().strip())
    reused = second.components.get(reused=True)
    assert reused.file.name == "can-cuoc.pdf"
    assert reused.name.startswith("Giấy tờ tùy thân của người yêu cầu")


def test_sign_in_with_the_national_identity_provider(live_server, page, settings):
    """The browser goes to the provider, consents, and comes back signed in."""
    identity = {"sub": "vneid-42", "name": "Đặng Thanh Hương", "id_number": "034190009876",
                "phone_number": "0977000111", "email": "huong@example.vn"}  # fmt: skip
    with Provider(client_id="cong-dvc", client_secret="bi-mat", identity=identity,
                  auto_approve=False) as provider:  # fmt: skip
        settings.MOTCUA_OIDC_ISSUER = provider.issuer
        settings.MOTCUA_OIDC_CLIENT_ID = "cong-dvc"
        settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat"
        settings.MOTCUA_OIDC_LABEL = "Đăng nhập bằng VNeID"
        page.goto(live_server.url + "/tai-khoan/dang-nhap/")
        page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Đăng nhập bằng tài khoản định danh điện tử"
        )
        assert page.url.startswith(provider.issuer + "/authorize?")
        page.get_by_role("button", name="Đồng ý đăng nhập").click()
        expect(page.get_by_role("heading", name="Hồ sơ của tôi", level=1)).to_be_visible()
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_text("Đã xác thực qua định danh điện tử")).to_be_visible()
    expect(page.get_by_text("Đặng Thanh Hương — số định danh 034190009876")).to_be_visible()
