"""The counter: receive a walk-in dossier, or hand out Mẫu 02 / Mẫu 03 without one."""

import pytest

from motcua.backoffice.models import Guidance
from motcua.dossiers.models import Dossier
from tests.factories import APPLICANT

pytestmark = pytest.mark.django_db


def form(proc, **extra) -> dict:
    data = {f"applicant_{k}": v for k, v in APPLICANT.items()}
    data["applicant_type"] = "citizen"
    for doc in proc.documents.all():
        data[f"doc_{doc.pk}"] = "1"
        data[f"form_{doc.pk}"] = "original"
        data[f"count_{doc.pk}"] = "1"
    data.update(return_method="desk", sets="1", kind="receive")
    data.update(extra)
    return data


def test_search_then_receive_a_walk_in_dossier(proc, staff, client_for):
    c = client_for(staff["receiver"])
    found = c.get("/can-bo/tiep-nhan/?q=dang+ky+khai+sinh")
    assert "Đăng ký khai sinh" in found.text and "/can-bo/tiep-nhan/1.001193/" in found.text
    page = c.get("/can-bo/tiep-nhan/1.001193/")
    assert page.status_code == 200 and "Tờ khai đăng ký khai sinh" in page.text
    r = c.post("/can-bo/tiep-nhan/1.001193/", form(proc))
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/bien-nhan/"
    assert d.state == "RECEIVED" and d.channel == "direct"
    assert d.applicant_name == APPLICANT["name"] and d.components.count() == 1
    done = c.get(r["Location"])
    assert (
        "Đã tiếp nhận hồ sơ" in done.text and f"/can-bo/ho-so/{d.code}/in/receipt.pdf" in done.text
    )


def test_a_bad_identity_number_is_shown_beside_its_field(proc, staff, client_for):
    c = client_for(staff["receiver"])
    r = c.post("/can-bo/tiep-nhan/1.001193/", form(proc, applicant_id_number="123"))
    assert r.status_code == 422
    assert "phải gồm đúng 12 chữ số" in r.text
    assert 'value="123"' in r.text  # what was typed is kept
    assert Dossier.objects.count() == 0


def test_missing_component_is_refused(proc, staff, client_for):
    data = form(proc)
    data.pop(f"doc_{proc.documents.get().pk}")
    r = client_for(staff["receiver"]).post("/can-bo/tiep-nhan/1.001193/", data)
    assert r.status_code == 422 and "Thiếu thành phần hồ sơ bắt buộc" in r.text


def test_supplement_guidance_instead_of_receiving(proc, staff, client_for):
    data = form(proc, kind="supplement", reason="Tờ khai chưa có chữ ký",
                items_other="Bản sao giấy chứng sinh")  # fmt: skip
    data.pop(f"doc_{proc.documents.get().pk}")
    c = client_for(staff["receiver"])
    r = c.post("/can-bo/tiep-nhan/1.001193/", data)
    g = Guidance.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/can-bo/huong-dan/{g.pk}/"
    assert g.kind == "supplement" and g.items == ["Tờ khai đăng ký khai sinh",
                                                  "Bản sao giấy chứng sinh"]  # fmt: skip
    assert Dossier.objects.count() == 0
    slip = c.get(r["Location"]).text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in slip and "Bản sao giấy chứng sinh" in slip


def test_refusal_guidance_needs_a_reason(proc, staff, client_for):
    c = client_for(staff["receiver"])
    r = c.post("/can-bo/tiep-nhan/1.001193/", form(proc, kind="refusal", reason=""))
    assert r.status_code == 422 and "Vui lòng ghi rõ lý do" in r.text
    r = c.post(
        "/can-bo/tiep-nhan/1.001193/", form(proc, kind="refusal", reason="Không thuộc thẩm quyền")
    )
    g = Guidance.objects.get()
    assert g.kind == "refusal"
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in c.get(r["Location"]).text
    # Another desk cannot read this guidance slip.
    assert client_for(staff["other"]).get(r["Location"]).status_code == 403


def test_known_applicant_is_filled_in_by_identity_number(received, staff, client_for):
    c = client_for(staff["receiver"])
    r = c.get("/can-bo/tiep-nhan/nguoi-nop/?applicant_id_number=037190000123")
    assert 'value="Nguyễn Thị Ngọc Ánh"' in r.text and 'value="0912345678"' in r.text
    # Commune B's desk does not see commune A's applicants.
    r = client_for(staff["other"]).get(
        "/can-bo/tiep-nhan/nguoi-nop/?applicant_id_number=037190000123"
    )
    assert "Nguyễn Thị Ngọc Ánh" not in r.text
