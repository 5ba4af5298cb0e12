"""After submission: tracking, supplements answered online, withdrawal, results, and the
e-data repository (kept components and results, reused in a later dossier)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents.models import RepositoryItem
from motcua.documents.services import store
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier, State
from tests.portal.conftest import PDF, make_citizen
from tests.portal.test_portal_submission import form, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client, citizen, online_procedure, province):
    client.post(start(client, citizen, online_procedure), form(province))
    return Dossier.objects.get(owner=citizen)


def process(dossier, officials, *, result=True):
    """Receive, hand over to the specialist and the head, resolve with an e-result."""
    d = dossiers.act(dossier, "receive", officials["receiver"])
    d = dossiers.act(d, "forward", officials["receiver"])
    d = dossiers.act(d, "forward", officials["specialist"])
    result_file = store(PDF, "giay-khai-sinh.pdf") if result else None
    return dossiers.act(d, "resolve", officials["head"], result_file=result_file,
                        result_number="123/GKS")  # fmt: skip


# --- tracking --------------------------------------------------------------------------------


def test_tracking_needs_the_second_factor_and_says_nothing_without_it(client, submitted):
    url = reverse("portal:track")
    page = client.get(url, {"ma": submitted.code}).content.decode()
    assert f'value="{submitted.code}"' in page  # the QR code's link prefills the code
    assert "Tờ khai" not in page and submitted.applicant_name not in page
    wrong = client.get(url, {"ma": submitted.code, "xac-minh": "0999999999"}).content.decode()
    unknown = client.get(url, {"ma": "KHONG-CO-MA", "xac-minh": "0912345678"}).content.decode()
    message = "Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập."
    assert message in wrong and message in unknown
    assert submitted.applicant_name not in wrong
    assert "Mới đăng ký, chờ tiếp nhận" not in wrong
    right = client.get(url, {"ma": submitted.code, "xac-minh": "0912 345 678"}).content.decode()
    assert "Mới đăng ký, chờ tiếp nhận" in right and "Nộp hồ sơ trực tuyến" in right
    by_id = client.get(url, {"ma": submitted.code, "xac-minh": "037190000123"})
    assert "Mới đăng ký, chờ tiếp nhận" in by_id.content.decode()


def test_tracking_is_throttled(client, submitted):
    url = reverse("portal:track")
    for _ in range(20):
        client.get(url, {"ma": submitted.code, "xac-minh": "0999999999"})
    page = client.get(url, {"ma": submitted.code, "xac-minh": "0912345678"}).content.decode()
    assert "quá nhiều lần" in page and "Mới đăng ký" not in page


def test_my_dossiers_lists_only_mine(client, submitted, django_user_model):
    page = client.get(reverse("portal:my_dossiers")).content.decode()
    assert submitted.code in page
    client.force_login(make_citizen("037190000456"))
    assert submitted.code not in client.get(reverse("portal:my_dossiers")).content.decode()
    assert client.get(reverse("portal:dossier", args=[submitted.code])).status_code == 404
    assert client.get(reverse("portal:receipt", args=[submitted.code])).status_code == 404


# --- supplements ---------------------------------------------------------------------------


def test_answering_an_intake_supplement_request_online(client, submitted, officials):
    dossiers.act(submitted, "request_intake_supplement", officials["receiver"],
                 reason="Tờ khai thiếu chữ ký.", items=["Tờ khai có chữ ký"])  # fmt: skip
    url = reverse("portal:dossier", args=[submitted.code])
    page = client.get(url).content.decode()
    assert "Hồ sơ cần bổ sung" in page and "Tờ khai thiếu chữ ký." in page
    assert "Tờ khai có chữ ký" in page and "Gửi hồ sơ bổ sung" in page
    # Nothing attached and nothing said: refused, next to the field.
    response = client.post(reverse("portal:supplement", args=[submitted.code]), {"note": ""})
    assert response.status_code == 422
    assert "Vui lòng đính kèm giấy tờ bổ sung" in response.content.decode()
    response = client.post(
        reverse("portal:supplement", args=[submitted.code]),
        {"note": "Đã ký tờ khai.",
         "files": SimpleUploadedFile("to-khai-da-ky.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    d = Dossier.objects.get(pk=submitted.pk)
    assert d.state == State.SUBMITTED
    assert d.events.order_by("-seq").first().action == "resubmit"
    assert d.components.filter(name="Bổ sung: to-khai-da-ky.pdf", file__isnull=False).exists()
    assert "Gửi hồ sơ bổ sung" not in client.get(url).content.decode()


def test_answering_a_supplement_request_during_processing(client, submitted, officials):
    d = dossiers.act(submitted, "receive", officials["receiver"])
    d = dossiers.act(d, "forward", officials["receiver"])
    d = dossiers.act(d, "request_supplement", officials["specialist"],
                     reason="Giấy chứng sinh bị mờ.", items=["Giấy chứng sinh rõ nét"])  # fmt: skip
    assert d.state == State.WAITING_SUPPLEMENT
    bad = SimpleUploadedFile("anh.pdf", b"GIF89a not really", "application/pdf")
    response = client.post(reverse("portal:supplement", args=[d.code]), {"files": bad})
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).state == State.WAITING_SUPPLEMENT
    good = SimpleUploadedFile("chung-sinh-ro.pdf", PDF, "application/pdf")
    client.post(reverse("portal:supplement", args=[d.code]), {"files": good, "note": "Bản rõ"})
    d = Dossier.objects.get(pk=d.pk)
    assert d.state == State.IN_PROCESS and d.paused_at is None
    event = d.events.order_by("-seq").first()
    assert event.action == "complete_supplement" and event.role == "APPLICANT"
    assert event.data["supplement"] == ["Bổ sung: chung-sinh-ro.pdf"]


# --- withdrawal ----------------------------------------------------------------------------


def test_withdraw_needs_confirmation_then_stops_the_dossier(client, submitted):
    url = reverse("portal:withdraw", args=[submitted.code])
    response = client.post(url, {"reason": "Không còn nhu cầu"})
    assert response.status_code == 422
    assert "Vui lòng đánh dấu xác nhận" in response.content.decode()
    assert "Không còn nhu cầu" in response.content.decode()
    client.post(url, {"reason": "Không còn nhu cầu", "confirm": "1"})
    d = Dossier.objects.get(pk=submitted.pk)
    assert d.state == State.WITHDRAWN
    assert "Rút hồ sơ" not in client.get(reverse("portal:dossier", args=[d.code])).content.decode()


def test_a_stranger_cannot_withdraw(client, submitted):
    client.force_login(make_citizen("037190000456"))
    response = client.post(
        reverse("portal:withdraw", args=[submitted.code]), {"confirm": "1", "reason": "x"}
    )
    assert response.status_code == 404
    assert Dossier.objects.get(pk=submitted.pk).state == State.SUBMITTED


# --- results and the repository --------------------------------------------------------------


def test_result_download_and_repository(client, citizen, submitted, officials):
    result_url = reverse("portal:result", args=[submitted.code])
    assert client.get(result_url).status_code == 404  # no result yet
    dossiers.act(submitted, "receive", officials["receiver"])
    kept = RepositoryItem.objects.filter(owner=citizen)
    assert sorted(kept.values_list("name", flat=True)) == [
        "Giấy chứng sinh", "Tờ khai đăng ký khai sinh",
    ]  # fmt: skip
    d = Dossier.objects.get(pk=submitted.pk)
    d = dossiers.act(d, "forward", officials["receiver"])
    d = dossiers.act(d, "forward", officials["specialist"])
    d = dossiers.act(d, "resolve", officials["head"],
                     result_file=store(PDF + b"kq", "giay-khai-sinh.pdf"))  # fmt: skip
    response = client.get(result_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert kept.filter(kind="result", dossier=d).exists()
    page = client.get(reverse("portal:repository")).content.decode()
    assert "Giấy khai sinh" in page and d.code in page
    # Nobody else downloads it, through the dossier or the repository.
    item = kept.get(kind="result")
    client.force_login(make_citizen("037190000456"))
    assert client.get(result_url).status_code == 404
    assert client.get(reverse("portal:repository_file", args=[item.pk])).status_code == 403


def test_a_stored_document_is_reused_in_a_second_dossier(
    client, citizen, submitted, officials, online_procedure, province
):
    dossiers.act(submitted, "receive", officials["receiver"])
    birth = RepositoryItem.objects.get(owner=citizen, name="Giấy chứng sinh")
    url = start(client, citizen, online_procedure)
    page = client.get(url).content.decode()
    assert f'value="kho:{birth.pk}"' in page  # offered for the reusable document
    data = form(province, giay_to_2=None, giay_to_2__ref=f"kho:{birth.pk}")
    response = client.post(url, data)
    assert response.status_code == 302
    second = Dossier.objects.filter(owner=citizen).exclude(pk=submitted.pk).get()
    reused = second.components.get(document__order=2)
    assert reused.reused and reused.file == birth.file
    assert not second.components.get(document__order=1).reused
    # Someone else's repository item cannot be slipped in.
    other = make_citizen("037190000456")
    foreign = RepositoryItem.objects.create(
        owner=other, kind="component", name="Giấy chứng sinh", file=store(PDF + b"x", "a.pdf")
    )
    client.force_login(other)
    url = start(client, other, online_procedure)
    client.force_login(citizen)
    assert client.post(url, form(province)).status_code == 403
    client.force_login(citizen)
    url = start(client, citizen, online_procedure)
    page = client.post(
        url, form(province, giay_to_2=None, giay_to_2__ref=f"kho:{foreign.pk}")
    ).content.decode()
    assert "không có trong kho dữ liệu của bạn" in page
