"""My work: an official's figures for the month, read from the event log; a head also
sees their units' figures and each official's."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.agencies import scope
from motcua.agencies.models import Role
from motcua.dossiers.models import Event, Verdict
from motcua.workdays.calendar import TZ, local

ON_TIME = [Verdict.EARLY, Verdict.ON_TIME]


def month_start(now: datetime) -> datetime:
    day = local(now)
    return datetime(day.year, day.month, 1, tzinfo=TZ)


@dataclass
class Figures:
    actions: int = 0
    dossiers: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def handovers(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> str:
        if not self.handovers:
            return "—"
        return f"{100 * self.on_time / self.handovers:.0f}%".replace(".", ",")


AGGREGATES = {
    "actions": Count("id"),
    "dossiers": Count("dossier", distinct=True),
    "on_time": Count("id", filter=Q(verdict__in=ON_TIME)),
    "late": Count("id", filter=Q(verdict=Verdict.LATE)),
}


def _events(since: datetime) -> QuerySet[Event]:
    # Staff actions only: the applicant's own events (submit, resubmit) have no role.
    return Event.objects.filter(at__gte=since).exclude(role__in=["", "APPLICANT"])


def mine(user, now: datetime | None = None) -> Figures:
    since = month_start(now or timezone.now())
    return Figures(**_events(since).filter(actor=user).aggregate(**AGGREGATES))


def unit(user, now: datetime | None = None) -> tuple[Figures, list[dict]] | None:
    """The head's units: totals and one row per official (None for a non-head)."""
    paths = scope.unit_paths(user, [Role.HEAD])
    if not paths:
        return None
    since = month_start(now or timezone.now())
    qs = _events(since).filter(scope.path_filter(paths, "unit__path"))
    total = Figures(**qs.aggregate(**AGGREGATES))
    rows = [
        {"name": r["actor_name"] or "—", "figures": Figures(**{k: r[k] for k in AGGREGATES})}
        for r in qs.values("actor", "actor_name").annotate(**AGGREGATES).order_by("actor_name")
    ]
    return total, rows
