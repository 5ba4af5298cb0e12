"""The dossier page: only the actions the table allows this user now, stale pages refused,
files and forms served behind the same permission check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.documents.services import store
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.factories import at, intake

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def offered(page: str) -> set[str]:
    return {a for a in services.HANDLERS if f"/thao-tac/{a}/" in page}


def test_each_official_sees_only_their_actions(received, staff, client_for):
    code = received.code
    desk = client_for(staff["receiver"]).get(f"/can-bo/ho-so/{code}/").text
    assert {"forward", "withdraw"} <= offered(desk)
    assert not {"assign", "resolve", "transfer"} & offered(desk)
    assert "Phiếu kiểm soát quá trình giải quyết" in desk
    specialist = client_for(staff["specialist"]).get(f"/can-bo/ho-so/{code}/").text
    assert offered(specialist) == set()  # step 1 is the desk's
    d = services.act(received, "forward", staff["receiver"], now=at("2026-03-02 10:00"))
    head = client_for(staff["head"]).get(f"/can-bo/ho-so/{code}/").text
    assert {"assign", "forward", "not_eligible", "transfer", "apologize"} <= offered(head)
    specialist = client_for(staff["specialist"]).get(f"/can-bo/ho-so/{code}/").text
    assert "assign" not in offered(specialist) and "forward" in offered(specialist)
    assert "Chuyên viên thụ lý" in specialist and d.step_order == 2


def test_stale_page_gets_the_conflict_message(received, staff, client_for):
    c = client_for(staff["receiver"])
    stale = received.row_version
    r = c.post(f"/can-bo/ho-so/{received.code}/thao-tac/forward/", {"expected_version": stale})
    assert r.status_code == 302
    r = c.post(f"/can-bo/ho-so/{received.code}/thao-tac/forward/", {"expected_version": stale})
    assert r.status_code == 409
    assert "Hồ sơ đã thay đổi" in r.text
    assert Dossier.objects.get().step_order == 2  # forwarded once, not twice
    # With htmx the dossier panel comes back with the message, ready to swap.
    r = c.post(f"/can-bo/ho-so/{received.code}/thao-tac/forward/", {"expected_version": stale},
               HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ho-so")  # fmt: skip
    assert r.status_code == 409 and "Hồ sơ đã thay đổi" in r.text and "<html" not in r.text


def test_missing_reason_is_shown_beside_the_field(received, staff, client_for):
    services.act(received, "forward", staff["receiver"], now=at("2026-03-02 10:00"))
    c = client_for(staff["specialist"])
    d = Dossier.objects.get()
    r = c.post(f"/can-bo/ho-so/{d.code}/thao-tac/request_supplement/",
               {"expected_version": d.row_version, "reason": " "})  # fmt: skip
    assert r.status_code == 422 and "Vui lòng ghi rõ lý do." in r.text
    r = c.post(f"/can-bo/ho-so/{d.code}/thao-tac/request_supplement/",
               {"expected_version": d.row_version, "reason": "Thiếu chữ ký",
                "items": ["Tờ khai đăng ký khai sinh"]})  # fmt: skip
    d = Dossier.objects.get()
    assert r.status_code == 302 and d.state == "WAITING_SUPPLEMENT"
    assert d.events.last().data["items"] == ["Tờ khai đăng ký khai sinh"]


def test_whole_flow_through_the_pages(received, staff, client_for, province):
    code = received.code
    url = f"/can-bo/ho-so/{code}/thao-tac/"

    def post(user, action, **data):
        d = Dossier.objects.get()
        r = client_for(user).post(url + action + "/", {"expected_version": d.row_version, **data})
        assert r.status_code in (200, 302), r.text[:2000]
        return Dossier.objects.get()

    d = post(staff["receiver"], "forward")
    specialist = staff["specialist"].official
    d = post(staff["head"], "assign", assignee=specialist.pk)
    assert d.assignee == staff["specialist"]
    d = post(staff["specialist"], "transfer", to_unit=province["justice_div"].code, hours="8",
             reason="Xác minh")  # fmt: skip
    assert d.current_unit == province["justice_div"]
    r = client_for(staff["justice"]).post(url + "forward/", {"expected_version": d.row_version})
    assert r.status_code == 302 and r["Location"] == "/can-bo/"  # no longer theirs to see
    d = post(staff["specialist"], "forward")
    assert d.step_order == 3
    upload = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    d = post(staff["head"], "resolve", result_file=upload, result_number="15/GKS")
    assert d.state == "RESOLVED" and d.e_result and d.result_file.name == "ket-qua.pdf"
    page = client_for(staff["receiver"]).get(f"/can-bo/ho-so/{code}/")
    assert f"/can-bo/ho-so/{code}/tep/{d.result_file_id}/" in page.text
    d = post(staff["receiver"], "return_result", method="desk", recipient="Nguyễn Thị Ngọc Ánh")
    assert d.state == "RETURNED" and d.events.last().data["recipient"] == "Nguyễn Thị Ngọc Ánh"


def test_resolve_refuses_a_non_pdf_result(received, staff, client_for):
    services.act(received, "forward", staff["receiver"])
    d = Dossier.objects.get()
    png = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    data = {"expected_version": d.row_version, "result_file": png}
    r = client_for(staff["head"]).post(f"/can-bo/ho-so/{d.code}/thao-tac/resolve/", data)
    assert r.status_code == 422 and "phải là tệp PDF" in r.text
    assert Dossier.objects.get().state == "IN_PROCESS"


def test_files_are_served_inline_only_for_their_dossier(proc, staff, province, client_for):
    stored = store(PDF, "to-khai.pdf")
    data = intake(proc)
    data.components[0]["file"] = stored
    d = services.receive_at_counter(staff["receiver"], province["commune_a_center"], data)
    c = client_for(staff["receiver"])
    r = c.get(f"/can-bo/ho-so/{d.code}/tep/{stored.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline;")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PDF
    other = store(PDF + b" ", "khac.pdf")
    assert c.get(f"/can-bo/ho-so/{d.code}/tep/{other.pk}/").status_code == 404


def test_receipt_pdf(received, staff, client_for):
    r = client_for(staff["receiver"]).get(f"/can-bo/ho-so/{received.code}/in/receipt.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    r = client_for(staff["receiver"]).get(f"/can-bo/ho-so/{received.code}/in/khong-co.pdf")
    assert r.status_code == 404


def test_internal_notes(received, staff, client_for):
    c = client_for(staff["receiver"])
    r = c.post(f"/can-bo/ho-so/{received.code}/ghi-chu/", {"text": "Đã gọi điện cho người nộp"})
    assert r.status_code == 302
    assert "Đã gọi điện cho người nộp" in c.get(f"/can-bo/ho-so/{received.code}/").text


def test_apology_from_the_screen(received, staff, client_for):
    """Overdue (received in March, today is later): the head issues the apology and prints it."""
    services.act(received, "forward", staff["receiver"], now=at("2026-03-02 10:00"))
    d = Dossier.objects.get()
    c = client_for(staff["head"])
    page = c.get(f"/can-bo/ho-so/{d.code}/").text
    assert "cần lập Phiếu xin lỗi" in page
    r = c.post(f"/can-bo/ho-so/{d.code}/thao-tac/apologize/",
               {"expected_version": d.row_version, "reason": "Chờ xác minh",
                "new_due_date": "2099-12-31", "new_due_time": "16:00"})  # fmt: skip
    assert r.status_code == 302, r.content[:1500]
    d = Dossier.objects.get()
    assert d.apologies == 1 and d.rescheduled_due_at.year == 2099
    page = c.get(f"/can-bo/ho-so/{d.code}/").text
    assert f"/can-bo/ho-so/{d.code}/in/apology.pdf" in page
    pdf = c.get(f"/can-bo/ho-so/{d.code}/in/apology.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
