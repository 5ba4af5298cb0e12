"""Late dossiers by who let them run late: the official and unit holding the step where the
lateness arose (the first hand-over judged late, else the step running when the due moment
passed; for a dossier still open, whoever holds it now) — see ``facts.late_step``."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from motcua.agencies.models import Unit
from motcua.dossiers.models import Dossier
from motcua.dossiers.queries import visible_to

from .drill import population_q
from .models import DossierFact
from .periods import Period
from .sums import in_scope


def late_facts(unit: Unit, period: Period, judged: datetime) -> QuerySet[DossierFact]:
    """Dossiers received in the period and late when judged (the 766 rule)."""
    return DossierFact.objects.filter(in_scope(unit)).filter(population_q("late", period, judged))


def dossiers(user, unit: Unit, period: Period, judged: datetime) -> QuerySet[Dossier]:
    ids = late_facts(unit, period, judged).values("dossier_id")
    return (
        visible_to(user)
        .filter(pk__in=ids)
        .select_related(
            "version", "competent_unit", "fact__late_unit", "fact__late_official__official"
        )
        .order_by("fact__late_unit__path", "-received_at")
    )


def responsible(user, unit: Unit, period: Period, judged: datetime) -> list[dict]:
    """Counts of late dossiers per (official, unit) responsible, the largest first."""
    visible = visible_to(user).values("pk")
    rows = (
        late_facts(unit, period, judged)
        .filter(dossier_id__in=visible)
        .values("late_official_id", "late_unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    rows = list(rows)
    users = {
        u.pk: (getattr(getattr(u, "official", None), "full_name", "") or u.username)
        for u in get_user_model()
        .objects.filter(pk__in=[r["late_official_id"] for r in rows if r["late_official_id"]])
        .select_related("official")
    }
    units = Unit.objects.in_bulk([r["late_unit_id"] for r in rows if r["late_unit_id"]])
    return [
        {
            "official_id": r["late_official_id"],
            "official": users.get(r["late_official_id"], "Chưa phân công / không xác định"),
            "unit": units.get(r["late_unit_id"]),
            "count": r["n"],
        }
        for r in rows
    ]
