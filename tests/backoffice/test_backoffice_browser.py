"""The officials' screens in a real browser (Debian's chromium, Playwright), on the demo
province: the counter, online intake, three officials processing, liên thông, return, and
another commune refused. Set MOTCUA_SCREENSHOTS=1 to refresh docs/screenshots/."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from motcua.agencies.models import Unit
from motcua.catalog.models import Procedure
from motcua.documents.services import store
from motcua.dossiers import services
from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CENTER = "000.01.30.H40"  # Trung tâm PVHCC phường Hoa Lư
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(db):
    call_command("load_demo", "--quiet")


@pytest.fixture
def shot(tmp_path):
    folder = SHOTS if os.environ.get("MOTCUA_SCREENSHOTS") == "1" else tmp_path

    def take(page, name: str):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(folder / f"{name}.png"))

    return take


def login(page, live_server, username: str):
    # Leave the previous page first: a late response of it must not set a stale CSRF cookie.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("motcua-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Hồ sơ cần xử lý")).to_be_visible()


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def intake(code="1.001193", file=None):
    version = Procedure.objects.get(code=code).current_version
    components = [{"document": d.pk, "form": "original"} for d in version.documents.all()]
    if file is not None:
        for c in components:
            c["file"] = file
    applicant = {"name": "Trần Thị Mai", "id_number": "037190000456", "phone": "0987654321",
                 "address": "Phố Tràng An, phường Hoa Lư"}  # fmt: skip
    return services.Intake(version=version, applicant=applicant, components=components)


def at_counter(code="1.001193", now=None):
    return services.receive_at_counter(
        user("tiepnhan.phuonghoalu"), Unit.objects.get(code=CENTER), intake(code), now=now
    )


def busy_desk():
    """A few more dossiers, some late, so the inbox looks like a working day."""
    today = timezone.now()
    for days, code in [(9, "1.000894"), (3, "2.000635"), (1, "1.001612"), (0, "1.000656")]:
        at_counter(code, today - timedelta(days=days))


def listed(page, code: str):
    """The dossier's link in the list (it may also sit in the due-soon panel above)."""
    return page.locator("#ket-qua").get_by_role("link", name=code)


def act(page, action: str):
    page.locator(f"#tt-{action} button[type=submit]").click()


def test_walk_in_from_search_to_printed_receipt(demo, live_server, page, shot):
    login(page, live_server, "tiepnhan.phuonghoalu")
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    page.get_by_label("Bước 1. Tìm thủ tục").fill("dang ky khai sinh")
    page.locator("#thu-tuc-ket-qua a", has_text="Đăng ký khai sinh").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    page.get_by_label("Số định danh cá nhân / mã số thuế *").fill("037190000789")
    page.keyboard.press("Tab")  # the identity number is looked up (htmx) on change
    expect(page.get_by_text("Chưa có hồ sơ nào của số định danh này")).to_be_visible()
    page.get_by_label("Họ và tên / tên tổ chức *").fill("Lê Văn Bình")
    page.get_by_label("Số điện thoại").fill("0912000111")
    shot(page, "quay-tiep-nhan")
    page.get_by_role("button", name="Tiếp nhận và in Giấy tiếp nhận (Mẫu 01)").click()
    expect(page.get_by_role("heading", name="Đã tiếp nhận hồ sơ")).to_be_visible()
    d = Dossier.objects.get(applicant_name="Lê Văn Bình")
    assert d.state == "RECEIVED" and d.receiving_unit.code == CENTER
    expect(page.locator(".code")).to_have_text(d.code)
    link = page.get_by_role("link", name="In Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    # The next applicant brings the same identity number: their details come back.
    page.get_by_role("link", name="Tiếp nhận hồ sơ mới").click()
    page.get_by_label("Bước 1. Tìm thủ tục").fill("1.001193")
    page.locator("#thu-tuc-ket-qua a").first.click()
    page.get_by_label("Số định danh cá nhân / mã số thuế *").fill("037190000789")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Họ và tên / tên tổ chức *")).to_have_value("Lê Văn Bình")


def test_online_dossier_checked_and_received(demo, live_server, page, shot):
    scan = store(PDF, "to-khai-khai-sinh.pdf")
    d = services.submit_online(None, Unit.objects.get(code=CENTER), intake(file=scan))
    login(page, live_server, "tiepnhan.phuonghoalu")
    page.get_by_role("link", name="Hồ sơ trực tuyến").click()
    expect(listed(page, d.code)).to_be_visible()
    shot(page, "ho-so-truc-tuyen")
    listed(page, d.code).click()
    expect(page.locator(".badge.state-submitted")).to_have_text("Mới đăng ký, chờ tiếp nhận")
    view = page.get_by_role("link", name="Xem to-khai-khai-sinh.pdf").first
    attachment = page.request.get(live_server.url + view.get_attribute("href"))
    assert attachment.status == 200 and attachment.headers["content-type"] == "application/pdf"
    assert attachment.headers["content-disposition"].startswith("inline")
    for other in ("refuse", "request_intake_supplement"):
        expect(page.locator(f"#tt-{other}")).to_be_attached()
    act(page, "receive")
    expect(page.locator(".badge.state-received")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_text("Đã thực hiện: Tiếp nhận hồ sơ.")).to_be_visible()
    assert Dossier.objects.get(pk=d.pk).received_at is not None


def test_three_officials_process_every_step_then_return_at_the_counter(
    demo, live_server, page, shot
):
    d = at_counter()
    busy_desk()
    url = f"{live_server.url}/can-bo/ho-so/{d.code}/"
    login(page, live_server, "tiepnhan.phuonghoalu")  # step 1: the desk hands over
    expect(page.locator("table.inbox tr.late").first).to_be_visible()
    shot(page, "viec-cua-toi")
    page.goto(url)
    act(page, "forward")
    expect(page.get_by_text("Bước 2:").first).to_be_visible()

    login(page, live_server, "lanhdao.phuonghoalu")  # the head assigns a specialist
    expect(listed(page, d.code)).to_be_visible()
    listed(page, d.code).click()
    page.locator("#tt-assign select[name=assignee]").select_option(
        str(user("chuyenvien.phuonghoalu").official.pk)
    )
    act(page, "assign")
    expect(page.get_by_text("Đã thực hiện: Phân công xử lý.")).to_be_visible()

    login(page, live_server, "chuyenvien.phuonghoalu")  # step 2: appraisal
    listed(page, d.code).click()
    expect(page.locator("#tt-assign")).to_have_count(0)  # not the specialist's to take
    shot(page, "ho-so-xu-ly")
    act(page, "forward")
    expect(page.get_by_text("Bước 3:").first).to_be_visible()

    login(page, live_server, "lanhdao.phuonghoalu")  # step 3: approve, attach the result
    page.goto(url)
    page.locator("#tt-resolve input[name=result_file]").set_input_files(
        {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#tt-resolve input[name=result_number]").fill("125/GKS")
    act(page, "resolve")
    expect(page.locator(".badge.state-resolved")).to_be_visible()

    login(page, live_server, "tiepnhan.phuonghoalu")  # step 4: return at the counter
    page.get_by_role("link", name="Trả kết quả").click()
    listed(page, d.code).click()
    page.locator("#tt-return_result input[name=recipient]").fill("Trần Thị Mai (CCCD 037190000456)")
    act(page, "return_result")
    expect(page.locator(".badge.state-returned")).to_have_text("Đã trả kết quả")
    d.refresh_from_db()
    assert d.state == "RETURNED" and d.result_number == "125/GKS" and d.e_result
    assert d.events.last().data["recipient"].startswith("Trần Thị Mai")
    actors = set(d.events.values_list("actor__username", flat=True))
    assert {"tiepnhan.phuonghoalu", "lanhdao.phuonghoalu", "chuyenvien.phuonghoalu"} <= actors
    expect(page.locator("table.slip tbody tr")).to_have_count(d.events.count())


def test_lien_thong_transfer_and_back(demo, live_server, page, shot):
    d = at_counter()
    d = services.act(d, "forward", user("tiepnhan.phuonghoalu"))
    login(page, live_server, "chuyenvien.phuonghoalu")
    listed(page, d.code).click()
    page.locator("#tt-transfer summary").click()
    page.locator("#tt-transfer select[name=to_unit]").select_option("000.01.20.H40")
    page.locator("#tt-transfer input[name=hours]").fill("8")
    page.locator("#tt-transfer textarea[name=reason]").fill("Xác định nghĩa vụ tài chính")
    act(page, "transfer")
    expect(page.get_by_text("Liên thông: Thuế cơ sở 1 tỉnh Ninh Bình").first).to_be_visible()

    login(page, live_server, "chuyenvien.thuecoso1")
    listed(page, d.code).click()
    act(page, "forward")
    expect(page.get_by_text("đã chuyển khỏi đơn vị của bạn")).to_be_visible()
    d.refresh_from_db()
    assert d.current_unit.code == "000.00.30.H40" and d.step_order == 2
    transfer = d.events.get(action="transfer")
    assert transfer.to_unit.code == "000.01.20.H40"


def test_another_units_dossier_is_refused(demo, live_server, page):
    d = at_counter()
    login(page, live_server, "tiepnhan.phuongtamdiep")
    response = page.goto(f"{live_server.url}/can-bo/ho-so/{d.code}/")
    assert response.status == 403
    assert "Trần Thị Mai" not in page.content()
