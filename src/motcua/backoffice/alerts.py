"""Warnings before a deadline passes (domain.md §1.5.7–8): whoever holds a dossier or a step
due within one working day (or already overdue), and their unit head, get one e-mail each.

Run periodically: ``python -m motcua warn-due`` (e.g. every morning at 07:30 by cron).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers.models import Dossier

from . import inbox
from .actions import holders


@dataclass
class Alert:
    dossier: Dossier
    what: str  # "hồ sơ" | "bước xử lý"
    clock: inbox.Clock


def _due(now: datetime):
    limit = inbox.soon_threshold(now)
    return (
        Dossier.objects.filter(state__in=inbox.OPEN, paused_at__isnull=True)
        .filter(Q(due_at__lte=limit) | Q(step_due_at__lte=limit))
        .select_related("version", "current_unit", "competent_unit", "assignee")
        .order_by("due_at", "id")
    )


def collect(now: datetime | None = None) -> dict:
    """{user: [Alert, …]} for every handler and head concerned (users with an e-mail)."""
    now = now or timezone.now()
    limit = inbox.soon_threshold(now)
    found: dict = defaultdict(list)
    roles: dict = {}  # (role, unit pk) → officials; one query per unit and role, not per row

    def officials(role, unit):
        key = (role, unit.pk)
        if key not in roles:
            roles[key] = [o.user for o in holders(role, unit)]
        return roles[key]

    for d in _due(now):
        checks = []
        if d.step_due_at and d.step_due_at <= limit:
            checks.append(("bước xử lý", d.step_due_at, d.current_unit))
        if d.due_at and d.due_at <= limit:
            checks.append(("hồ sơ", d.due_at, d.competent_unit))
        for what, due, unit in checks:
            alert = Alert(d, what, inbox.clock(due, unit, now))
            handlers = [d.assignee] if d.assignee else officials(d.step_role, d.current_unit)
            heads = officials(Role.HEAD, d.current_unit)
            if what == "hồ sơ":  # a new list: never grow the cached one
                heads = heads + officials(Role.HEAD, d.competent_unit)
            for user in {u.pk: u for u in [*handlers, *heads]}.values():
                if user.email and alert not in found[user]:
                    found[user].append(alert)
    return found


def send(now: datetime | None = None) -> int:
    """Send the warnings; the number of e-mails sent."""
    found = collect(now)
    messages = []
    for user, alerts in found.items():
        official = getattr(user, "official", None)
        body = render_to_string(
            "backoffice/email/due_warning.txt",
            {"name": official.full_name if official else user.get_username(), "alerts": alerts,
             "base": getattr(settings, "PUBLIC_URL", "")},
        )  # fmt: skip
        overdue = sum(1 for a in alerts if a.clock.urgency == "OVERDUE")
        subject = f"[Một cửa] {len(alerts)} hồ sơ sắp đến hạn hoặc quá hạn"
        if overdue:
            subject += f" ({overdue} quá hạn)"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
