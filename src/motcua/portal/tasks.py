"""Messages to applicants go out from a worker: an SMTP server or SMS gateway that answers
slowly must not hold up the official who received the dossier. Without a broker (the
embedded default) the task runs in-process, after the commit, as before."""

from celery import shared_task

from .notifications import Message, deliver


@shared_task(name="portal.deliver", ignore_result=True)
def deliver_message(subject: str, body: str, sms: str, email: str, phone: str) -> None:
    deliver(Message(subject=subject, body=body, sms=sms), email, phone)
