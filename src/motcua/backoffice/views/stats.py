"""Công việc của tôi: the month's figures of the official, and of the head's units."""

from django.utils import timezone

from .. import stats
from ..access import official_required
from .common import page


@official_required
def my_work(request):
    now = timezone.now()
    unit = stats.unit(request.user, now)
    context = {
        "mine": stats.mine(request.user, now),
        "unit": unit[0] if unit else None,
        "people": unit[1] if unit else [],
        "since": stats.month_start(now),
        "now": now,
        "nav": "stats",
    }
    return page(request, "backoffice/my_work.html", context)
