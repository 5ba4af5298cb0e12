"""Telling the applicant what happened to their dossier: e-mail and SMS (R-FORM-4).

E-mail goes through Django's mail backends (console in the embedded default, SMTP with
``MOTCUA_EMAIL_URL``). SMS goes through an ``SmsBackend`` chosen by name with the setting
``MOTCUA_SMS_BACKEND`` (default ``console``; ``memory`` keeps messages for tests; a
province's gateway registers its own class with ``@register``).

Messages are sent after the dossier's transaction commits, so a change that rolls back
never tells anyone anything, and a failing gateway never undoes a change.
"""

import logging
import threading
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from motcua.workdays.deadlines import appointment_text

log = logging.getLogger(__name__)


# --- SMS backends -----------------------------------------------------------------------------


class SmsBackend(ABC):
    """An SMS gateway adapter (Viettel, VNPT, the province's brandname gateway…)."""

    name: str = ""

    @abstractmethod
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise on failure."""

    def check_config(self) -> list[str]:
        """What is wrong with the configuration (empty when ready)."""
        return []


_registry: dict[str, type[SmsBackend]] = {}


def register(cls: type[SmsBackend]) -> type[SmsBackend]:
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a name")
    if cls.name in _registry and _registry[cls.name] is not cls:
        raise ValueError(f"SMS backend {cls.name!r} is already registered")
    _registry[cls.name] = cls
    return cls


def sms_backend() -> SmsBackend:
    name = getattr(settings, "MOTCUA_SMS_BACKEND", "console") or "console"
    try:
        return _registry[name]()
    except KeyError:
        raise ValueError(f"Unknown SMS backend {name!r}; known: {sorted(_registry)}") from None


@register
class ConsoleSmsBackend(SmsBackend):
    """Writes messages to the log: the embedded default and developers' machines."""

    name = "console"

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s: %s", phone, text)


@register
class MemorySmsBackend(SmsBackend):
    """Keeps messages in ``outbox`` (tests look there, like Django's mail.outbox)."""

    name = "memory"
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


# --- what to say ------------------------------------------------------------------------------


@dataclass
class Message:
    subject: str
    body: str
    sms: str


def tracking_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}{reverse('portal:track')}?ma={code}"


def _when(moment) -> str:
    return appointment_text(moment) if moment else ""


def compose(dossier, event) -> Message | None:
    """The message for ``event`` of ``dossier``, or None when the applicant need not hear."""
    code, name = dossier.code, dossier.version.name
    link = tracking_url(code)
    action = event.action
    if action == "submit":
        subject = f"Đã nộp hồ sơ {code}"
        text = (
            f"Hồ sơ «{name}» đã được gửi đến {dossier.receiving_unit.name} với mã hồ sơ "
            f"{code}. Bạn sẽ nhận được thông báo khi hồ sơ được tiếp nhận."
        )
    elif action == "receive":
        subject = f"Hồ sơ {code} đã được tiếp nhận"
        text = (
            f"{dossier.receiving_unit.name} đã tiếp nhận hồ sơ «{name}», mã {code}. "
            f"Ngày hẹn trả kết quả: {_when(dossier.due_at)}."
        )
    elif action in ("request_supplement", "request_intake_supplement"):
        subject = f"Hồ sơ {code} cần bổ sung"
        text = (
            f"Hồ sơ «{name}», mã {code}, cần bổ sung, hoàn thiện. Nội dung: {event.note} "
            "Vui lòng đăng nhập Cổng dịch vụ công để bổ sung trực tuyến."
        )
    elif action == "resolve":
        subject = f"Hồ sơ {code} đã có kết quả"
        where = (
            "Bạn có thể tải kết quả điện tử trên Cổng dịch vụ công."
            if dossier.e_result and dossier.return_method == "online"
            else f"Mời bạn nhận kết quả theo hình thức: {dossier.get_return_method_display()}."
        )
        text = f"Hồ sơ «{name}», mã {code}, đã giải quyết xong. {where}"
    elif action == "apologize":
        subject = f"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"
        text = (
            f"{dossier.competent_unit.name} xin lỗi vì hồ sơ «{name}», mã {code}, chưa giải "
            f"quyết được đúng hẹn. Lý do: {event.note} Ngày hẹn trả mới: "
            f"{_when(dossier.rescheduled_due_at)}."
        )
    elif action == "refuse":
        subject = f"Hồ sơ {code} không được tiếp nhận"
        text = f"Hồ sơ «{name}», mã {code}, không được tiếp nhận. Lý do: {event.note}"
    else:
        return None
    body = f"Kính gửi {dossier.applicant_name},\n\n{text}\n\nTra cứu hồ sơ: {link}\n"
    return Message(subject=subject, body=body, sms=f"{text} Tra cứu: {link}")


_quiet = threading.local()


@contextmanager
def suppressed():
    """Send nothing while history is written (demo data, imports): those events happened
    long ago and nobody is waiting for their messages."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def notify(dossier, event) -> None:
    """Queue the message of ``event`` to go out when the current transaction commits."""
    if getattr(_quiet, "on", False):
        return
    message = compose(dossier, event)
    if message is None:
        return
    from .tasks import deliver_message  # the task module imports this one

    args = (message.subject, message.body, message.sms, dossier.applicant_email,
            dossier.applicant_phone)  # fmt: skip
    transaction.on_commit(lambda: deliver_message.delay(*args))


def deliver(message: Message, email: str, phone: str) -> None:
    """Send by each channel the applicant gave; one failing channel does not stop another."""
    if email:
        try:
            send_mail(message.subject, message.body, None, [email])
        except Exception:
            log.exception("E-mail to %s failed", email)
    if phone:
        try:
            sms_backend().send(phone, message.sms)
        except Exception:
            log.exception("SMS to %s failed", phone)
