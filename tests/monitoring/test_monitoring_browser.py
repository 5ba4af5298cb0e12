"""The dashboard in Debian's chromium: it renders under the strict CSP, refreshes itself
with htmx, and a figure opens the dossiers behind it."""

import pytest

from motcua.dossiers import services
from tests.factories import at, intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A = "000.00.31.H99"


def test_dashboard_refreshes_and_drills_down(page, live_server, procedure, people, province):
    for when in ("2026-03-02 09:00", "2026-03-03 09:00"):
        services.receive_at_counter(
            people["receiver"], province["commune_a_center"], intake(procedure), now=at(when)
        )
    people["head"].set_password("mat-khau-thu")
    people["head"].save()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/can-bo/dang-nhap/")
    page.fill("input[name=username]", "lanhdao")
    page.fill("input[name=password]", "mat-khau-thu")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/giam-sat/{A}/?from=2026-03-01&to=2026-03-31")
    assert page.locator("h1").inner_text().startswith("Bảng điều khiển")
    assert page.locator("svg.chart").count() == 4
    assert page.evaluate("typeof window.htmx") == "object"
    # what the 60-second timer does: fetch the page again and swap the board in place
    with page.expect_response(lambda r: "/giam-sat/" in r.url and r.status == 200):
        page.evaluate(
            "htmx.ajax('GET', window.location.href, "
            "{target: '#bang-dieu-khien', select: '#bang-dieu-khien', swap: 'outerHTML'})"
        )
    page.wait_for_timeout(300)
    assert page.locator("#bang-dieu-khien").count() == 1
    page.get_by_text("hồ sơ tiếp nhận", exact=True).click()
    page.wait_for_url("**/ho-so/**")
    assert "2 hồ sơ" in page.locator("main").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e]
