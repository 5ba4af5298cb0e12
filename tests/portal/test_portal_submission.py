"""Submitting online: draft, validation, files, idempotent submission, receipt, messages."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier, State
from motcua.portal.models import Draft
from tests.portal.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def start(client, user, procedure):
    client.force_login(user)
    response = client.get(reverse("portal:submit", args=[procedure.procedure.code]))
    assert response.status_code == 302
    return response["Location"]


def form(province, **changes):
    data = {
        "name": "Nguyễn Thị Ngọc Ánh",
        "id_number": "037190000123",
        "address": "Thôn Đông, xã Gia Viễn",
        "phone": "0912345678",
        "email": "anh.nguyen@example.vn",
        "summary": "Đăng ký khai sinh cho con",
        "noi-nop": province["commune_a"].code,
        "cach-nhan": "online",
        "giay_to_1": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"),
        "giay_to_2": SimpleUploadedFile("giay-chung-sinh.png", PNG, "image/png"),
        "thao-tac": "submit",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_new_draft_is_prefilled_from_the_profile(client, citizen, online_procedure):
    url = start(client, citizen, online_procedure)
    page = client.get(url).content.decode()
    assert 'value="Nguyễn Thị Ngọc Ánh"' in page
    assert 'value="037190000123"' in page
    assert 'value="0912345678"' in page
    # Coming back opens the same draft, not a second one.
    assert start(client, citizen, online_procedure) == url
    assert Draft.objects.filter(owner=citizen).count() == 1


def test_submit_creates_one_dossier_and_shows_the_receipt(
    client, citizen, online_procedure, province, django_capture_on_commit_callbacks, sms_outbox
):
    url = start(client, citizen, online_procedure)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form(province))
    dossier = Dossier.objects.get(owner=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert dossier.state == State.SUBMITTED
    assert dossier.receiving_unit == province["commune_a_center"]
    assert dossier.competent_unit == province["commune_a"]
    assert dossier.return_method == "online"
    assert dossier.summary == "Đăng ký khai sinh cho con"
    components = list(dossier.components.order_by("document__order"))
    assert [c.name for c in components] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert all(c.file and c.form == "electronic" and not c.reused for c in components)
    receipt = client.get(response["Location"]).content.decode()
    assert dossier.code in receipt and "Đã nộp hồ sơ thành công" in receipt
    # The receipt e-mail and SMS carry the code and the tracking link.
    assert len(mail.outbox) == 1 and dossier.code in mail.outbox[0].subject
    assert f"/tra-cuu/?ma={dossier.code}" in mail.outbox[0].body
    assert sms_outbox and dossier.code in sms_outbox[0][1]
    # A double click (the same draft posted again) files nothing new.
    again = client.post(url, form(province))
    assert again["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert Dossier.objects.filter(owner=citizen).count() == 1


def test_errors_are_shown_next_to_fields_and_nothing_typed_is_lost(
    client, citizen, online_procedure, province
):
    url = start(client, citizen, online_procedure)
    response = client.post(
        url,
        form(
            province, id_number="12345", phone="abc", address="Số 5 phố Tràng An", **{"noi-nop": ""}
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "12 chữ số" in page  # the identity number's error, in Vietnamese
    assert "Số điện thoại" in page and 'id="bm-phone-loi"' in page
    assert "Vui lòng chọn nơi nộp hồ sơ." in page
    assert 'value="Số 5 phố Tràng An"' in page and 'value="12345"' in page
    assert not Dossier.objects.exists()
    # The files were good: they are kept, ticked, and need not be uploaded again.
    draft = Draft.objects.get(owner=citizen)
    assert draft.files.count() == 2
    assert "to-khai.pdf — đã đính kèm" in page
    refs = {f"giay_to_{f.document.order}__ref": f"tep:{f.pk}" for f in draft.files.all()}
    fixed = form(province, giay_to_1=None, giay_to_2=None, **refs)
    response = client.post(url, fixed)
    assert response.status_code == 302
    assert Dossier.objects.get(owner=citizen).components.filter(file__isnull=False).count() == 2


def test_a_disguised_or_oversized_file_is_refused_with_its_reason(
    client, citizen, online_procedure, province, settings
):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    url = start(client, citizen, online_procedure)
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    big = SimpleUploadedFile("chung-sinh.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
    page = client.post(url, form(province, giay_to_1=fake, giay_to_2=big)).content.decode()
    assert "không phải PDF, JPEG hoặc PNG" in page
    assert "vượt quá giới hạn 1 MB" in page
    assert not Dossier.objects.exists()
    assert Draft.objects.get(owner=citizen).files.count() == 0


def test_save_draft_and_come_back_later(client, citizen, online_procedure, province):
    url = start(client, citizen, online_procedure)
    response = client.post(
        url, form(province, **{"thao-tac": "save"}, summary="Khai sinh cho bé Minh", giay_to_2=None)
    )
    assert response.status_code == 302 and response["Location"] == url
    assert not Dossier.objects.exists()
    client.logout()
    client.force_login(citizen)
    page = client.get(reverse("portal:my_dossiers")).content.decode()
    assert "Hồ sơ nháp chưa nộp" in page and url in page
    page = client.get(url).content.decode()
    assert "Khai sinh cho bé Minh" in page and "to-khai.pdf — đã đính kèm" in page


def test_someone_elses_draft_is_not_reachable(client, citizen, online_procedure, django_user_model):
    url = start(client, citizen, online_procedure)
    other = django_user_model.objects.create_user("037190000999", password="x-y-z-1234")
    client.force_login(other)
    assert client.get(url).status_code == 403


def test_receive_notifies_and_a_rolled_back_change_tells_nobody(
    client, citizen, online_procedure, province, officials, django_capture_on_commit_callbacks
):
    url = start(client, citizen, online_procedure)
    client.post(url, form(province))
    dossier = Dossier.objects.get(owner=citizen)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dossiers.act(dossier, "request_intake_supplement", officials["receiver"],
                     reason="Thiếu chữ ký")  # fmt: skip
        raise RuntimeError("the caller's transaction fails after the change")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.act(dossier, "receive", officials["receiver"])
    assert len(mail.outbox) == 1
    assert "đã được tiếp nhận" in mail.outbox[0].subject
    assert "Ngày hẹn trả kết quả" in mail.outbox[0].body


def test_procedure_not_offered_online_cannot_be_started(client, citizen, published):
    client.force_login(citizen)
    published.online_level = "NONE"
    type(published).objects.filter(pk=published.pk).update(online_level="NONE")
    response = client.get(reverse("portal:submit", args=[published.procedure.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:procedure", args=[published.procedure.code])
    assert not Draft.objects.exists()


def test_anonymous_visitors_are_asked_to_log_in(client, online_procedure):
    response = client.get(reverse("portal:submit", args=[online_procedure.procedure.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
