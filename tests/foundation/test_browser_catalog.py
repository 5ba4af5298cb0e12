"""A citizen finds a procedure in a real browser (Debian's chromium, Playwright)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_without_diacritics_then_open_the_procedure(live_server, page):
    call_command("load_demo", "--quiet")
    page.goto(live_server.url + "/")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    first = page.locator(".results li a").first
    expect(first).to_contain_text("Đăng ký khai sinh")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký khai sinh")
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()


def test_api_docs_render_from_local_files(live_server, page):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: failed.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/api/docs")
    expect(page.get_by_text("/api/v1/procedures").first).to_be_visible()
    assert failed == []
