"""An official builds an online form from scratch in a real browser (Debian's chromium),
previews it as a citizen, and publishes it — within the provinces' target of an online
service created in at most 10 minutes."""

import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from motcua.catalog import services as catalog
from motcua.catalog.models import RequiredDocument
from motcua.forms import services
from motcua.forms.models import FormField
from tests.factories import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEN_MINUTES = 600


@pytest.fixture
def birth_registration(province, decision):
    """Like the demo's "Đăng ký khai sinh": three documents, one of them optional."""
    version = make_version(name="Đăng ký khai sinh", units=[province["commune_a"]])
    version.documents.update(name="Tờ khai đăng ký khai sinh theo mẫu")
    RequiredDocument.objects.create(
        version=version, order=2, name="Giấy chứng sinh do cơ sở y tế cấp", reusable=True
    )
    RequiredDocument.objects.create(
        version=version, order=3, name="Văn bản ủy quyền", optional=True
    )
    return catalog.publish(version, decision)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def add_field(page, label, kind, *, required=False, options=(), show_if=None, prefill=None,
              max_value=None):  # fmt: skip
    form = page.locator("#them-truong")
    form.get_by_label("Nhãn (câu hỏi)").fill(label)
    form.get_by_label("Kiểu dữ liệu").select_option(kind)
    if options:
        form.get_by_label("Các lựa chọn").fill("\n".join(options))
    if required:
        form.get_by_label("Bắt buộc điền").check()
    if show_if:
        form.get_by_label("Chỉ hiện khi trường").select_option(label=show_if[0])
        form.get_by_label("có giá trị", exact=True).fill(show_if[1])
    if prefill or max_value:
        form.get_by_text("Tùy chọn nâng cao").click()
        if prefill:
            form.get_by_label("Tự điền từ tài khoản người nộp").select_option(label=prefill)
        if max_value:
            form.get_by_label("Tối đa").fill(max_value)
    form.get_by_role("button", name="Thêm trường").click()
    expect(page.get_by_text(f"Đã thêm trường «{label}».")).to_be_visible()


def test_an_official_builds_previews_and_publishes_a_form_in_under_ten_minutes(
    live_server, page, birth_registration, make_official, province
):
    official = make_official("quantri.giavien", "UNIT_ADMIN", province["commune_a"])
    log_in(page, live_server, official)

    started = time.monotonic()
    page.goto(live_server.url + "/can-bo/bieu-mau/")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Biểu mẫu: Đăng ký khai sinh")
    page.get_by_role("button", name="Tạo biểu mẫu trống").click()

    add_field(page, "Họ và tên người đi đăng ký", "text", required=True, prefill="Họ và tên")
    add_field(page, "Số định danh cá nhân", "id_number", required=True,
              prefill="Số định danh cá nhân")  # fmt: skip
    add_field(page, "Họ, chữ đệm và tên của trẻ", "text", required=True)
    add_field(page, "Ngày sinh của trẻ", "date", required=True, max_value="hôm nay")
    add_field(page, "Quan hệ với trẻ", "select", required=True,
              options=["Cha", "Mẹ", "Người thân khác"])  # fmt: skip
    add_field(page, "Ghi rõ quan hệ", "text", required=True,
              show_if=("Quan hệ với trẻ", "Người thân khác"))  # fmt: skip
    add_field(page, "Số điện thoại liên hệ", "phone", prefill="Số điện thoại")

    # The proxy's letter is required online, but only when someone else registers.
    attachments = page.locator("#giay-to")
    attachments.get_by_label("Khi nộp trực tuyến: Văn bản ủy quyền").select_option("required")
    attachments.get_by_label("Chỉ yêu cầu khi trường (cho Văn bản ủy quyền)").select_option(
        label="Quan hệ với trẻ"
    )
    attachments.get_by_label("có giá trị (cho Văn bản ủy quyền)").fill("Người thân khác")
    attachments.get_by_role("button", name="Lưu thành phần hồ sơ").click()
    expect(page.get_by_text("Đã lưu cách yêu cầu các thành phần hồ sơ.")).to_be_visible()

    # Preview as a citizen: the condition works, errors come next to fields, nothing lost.
    page.get_by_role("link", name="Xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    relation_detail = page.locator('[data-field-key="ghi_ro_quan_he"]')
    expect(relation_detail).to_be_hidden()
    expect(page.get_by_label("Văn bản ủy quyền")).to_be_hidden()
    page.get_by_label("Quan hệ với trẻ").select_option("Người thân khác")
    expect(relation_detail).to_be_visible()
    expect(page.get_by_label("Văn bản ủy quyền")).to_be_visible()
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Trần Minh Khang")
    page.get_by_role("button", name="Kiểm tra thử").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa gửi được")
    expect(relation_detail.locator(".bm-error")).to_have_text("⚠ Vui lòng nhập «Ghi rõ quan hệ».")
    expect(page.get_by_label("Ghi rõ quan hệ")).to_have_attribute(
        "aria-describedby", "bm-ghi_ro_quan_he-dieukien bm-ghi_ro_quan_he-loi"
    )
    expect(page.get_by_label("Họ, chữ đệm và tên của trẻ")).to_have_value("Trần Minh Khang")
    expect(page.get_by_label("Quan hệ với trẻ")).to_have_value("Người thân khác")
    expect(page.get_by_label("Họ và tên người đi đăng ký")).to_have_value("Nguyễn Văn Mẫu")
    page.get_by_role("link", name="Quay lại chỉnh sửa").click()

    page.get_by_role("button", name="Công bố biểu mẫu").click()
    expect(page.get_by_text("Đã công bố biểu mẫu (lần 1).")).to_be_visible()
    elapsed = time.monotonic() - started
    assert elapsed < TEN_MINUTES, f"building the form took {elapsed:.0f} s"

    live = services.definition_for(birth_registration)
    assert not live.is_default and live.status == "PUBLISHED"
    assert [
        (f.key, f.type, f.required, f.options, f.show_if_field, f.show_if_value, f.prefill)
        for f in live.all_fields
    ] == [
        ("ho_va_ten_nguoi_di_dang_ky", "text", True, [], "", "", "name"),
        ("so_dinh_danh_ca_nhan", "id_number", True, [], "", "", "id_number"),
        ("ho_chu_dem_va_ten_cua_tre", "text", True, [], "", "", "none"),
        ("ngay_sinh_cua_tre", "date", True, [], "", "", "none"),
        ("quan_he_voi_tre", "select", True, ["Cha", "Mẹ", "Người thân khác"], "", "", "none"),
        ("ghi_ro_quan_he", "text", True, [], "quan_he_voi_tre", "Người thân khác", "none"),
        ("so_dien_thoai_lien_he", "phone", False, [], "", "", "phone"),
    ]
    assert live.all_fields[3].max_value == "hôm nay"
    assert [
        (a.label, a.requirement, a.accept_reuse, a.show_if_field, a.show_if_value)
        for a in live.all_attachments
    ] == [
        ("Tờ khai đăng ký khai sinh theo mẫu", "required", False, "", ""),
        ("Giấy chứng sinh do cơ sở y tế cấp", "required", True, "", ""),
        ("Văn bản ủy quyền", "required", False, "quan_he_voi_tre", "Người thân khác"),
    ]


def test_without_javascript_conditional_fields_show_and_say_when_they_apply(
    live_server, browser, birth_registration, make_official, province
):
    official = make_official("quantri.giavien", "UNIT_ADMIN", province["commune_a"])
    draft = services.start(birth_registration, official, from_default=True)
    relation = FormField(
        label="Quan hệ với trẻ", type="radio", options=["Cha", "Mẹ", "Người thân khác"]
    )
    detail = FormField(
        label="Ghi rõ quan hệ", type="text", required=True,
        show_if_field="quan_he_voi_tre", show_if_value="Người thân khác",
    )  # fmt: skip
    services.save_field(draft, relation, official)
    services.save_field(draft, detail, official)
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, official)
    page.goto(live_server.url + f"/can-bo/bieu-mau/1.001193/{birth_registration.number}/xem-truoc/")
    detail = page.locator('[data-field-key="ghi_ro_quan_he"]')
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("Chỉ cần điền khi «Quan hệ với trẻ» là «Người thân khác».")

    page.get_by_label("Mẹ", exact=True).check()
    page.get_by_role("button", name="Kiểm tra thử").click()
    missing_form = "⚠ Vui lòng đính kèm «Tờ khai đăng ký khai sinh theo mẫu»."
    expect(page.get_by_text(missing_form)).to_be_visible()
    expect(detail.locator(".bm-error")).to_have_count(0)

    page.get_by_label("Người thân khác").check()
    page.get_by_role("button", name="Kiểm tra thử").click()
    expect(detail.locator(".bm-error")).to_have_text("⚠ Vui lòng nhập «Ghi rõ quan hệ».")
    expect(page.get_by_label("Người thân khác")).to_be_checked()
    context.close()
