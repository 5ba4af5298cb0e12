"""Messages to the applicant: what each change says, and the SMS backend registry."""

import pytest
from django.core import mail

from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.portal import notifications
from tests.portal.test_portal_submission import form, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(client, citizen, online_procedure, province, officials):
    client.post(start(client, citizen, online_procedure), form(province))
    return dossiers.act(Dossier.objects.get(owner=citizen), "receive", officials["receiver"])


def test_supplement_request_and_result_are_sent_by_mail_and_sms(
    received, officials, django_capture_on_commit_callbacks, sms_outbox
):
    mail.outbox.clear()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = dossiers.act(received, "forward", officials["receiver"])
        d = dossiers.act(d, "request_supplement", officials["specialist"],
                         reason="Giấy chứng sinh bị mờ.")  # fmt: skip
    assert [m.subject for m in mail.outbox] == [f"Hồ sơ {d.code} cần bổ sung"]
    assert "Giấy chứng sinh bị mờ." in mail.outbox[0].body
    assert mail.outbox[0].to == ["anh.nguyen@example.vn"]
    assert sms_outbox[0][0] == "0912345678" and "cần bổ sung" in sms_outbox[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        d = dossiers.act(d, "complete_supplement", officials["receiver"])  # says nothing
        d = dossiers.act(d, "forward", officials["specialist"])
        d = dossiers.act(d, "resolve", officials["head"], e_result=True)
    assert mail.outbox[-1].subject == f"Hồ sơ {d.code} đã có kết quả"
    assert len(mail.outbox) == 2


def test_apology_for_lateness_is_sent(received, officials, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    late = received.due_at.replace(year=received.due_at.year + 1)
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.act(received, "apologize", officials["head"], reason="Cần xác minh thêm.",
                     new_due=late, now=received.due_at)  # fmt: skip
    assert "xin lỗi" in mail.outbox[0].subject.lower()
    assert "Cần xác minh thêm." in mail.outbox[0].body and "Ngày hẹn trả mới" in mail.outbox[0].body


def test_a_failing_gateway_does_not_stop_the_email(settings, received, caplog):
    @notifications.register
    class Broken(notifications.SmsBackend):
        name = "broken-for-test"

        def send(self, phone, text):
            raise ConnectionError("gateway down")

    settings.MOTCUA_SMS_BACKEND = "broken-for-test"
    mail.outbox.clear()
    message = notifications.Message(subject="S", body="B", sms="T")
    notifications.deliver(message, "a@example.vn", "0912345678")
    assert len(mail.outbox) == 1 and "SMS to 0912345678 failed" in caplog.text


def test_backend_names_are_unique_and_known():
    with pytest.raises(ValueError, match="already registered"):

        @notifications.register
        class Another(notifications.SmsBackend):
            name = "console"

            def send(self, phone, text):
                pass

    assert isinstance(notifications.sms_backend(), notifications.MemorySmsBackend)
