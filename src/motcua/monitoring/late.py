"""Late dossiers by who let them run late: the official and unit holding the step where the
lateness arose (the first hand-over judged late, else the step running when the due moment
passed; for a dossier still open, whoever holds it now) — see ``facts.late_step``."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from motcua.agencies.models import Unit

from . import rollup
from .drill import DossierList, population_q
from .models import DossierFact
from .periods import Period
from .sums import in_scope


def late_facts(unit: Unit, period: Period, judged: datetime) -> QuerySet[DossierFact]:
    """Dossiers received in the period and late when judged (the 766 rule)."""
    rollup.catch_up()  # the list includes every change committed before this call
    return DossierFact.objects.filter(in_scope(unit)).filter(population_q("late", period, judged))


def dossiers(
    user, unit: Unit, period: Period, judged: datetime, official=None, responsible_unit=None
) -> DossierList:
    """The late dossiers, optionally of one responsible official or unit (by code)."""
    facts = late_facts(unit, period, judged)
    if official:
        facts = facts.filter(late_official_id=official)
    if responsible_unit:
        facts = facts.filter(late_unit__code=responsible_unit)
    return DossierList(user, facts, order=("late_unit_id", "-day", "-dossier_id"))


def responsible(user, unit: Unit, period: Period, judged: datetime) -> list[dict]:
    """Counts of late dossiers per (official, unit) responsible, the largest first.

    Counts only: every dossier of a unit the user may see is visible to them (its resolving
    unit or desk lies in that unit's subtree); the list of dossiers goes through
    ``visible_to`` all the same."""
    rows = (
        late_facts(unit, period, judged)
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
