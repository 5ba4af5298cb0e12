"""Drill-down: the dossiers (or procedures) behind each figure.

A *population* is a named set of fact rows for a unit subtree and period, defined once here
and used by the pages, the API and the tests; each indicator names the population of its
numerator and of its denominator. The dossier list a user gets is that population
intersected with ``dossiers.queries.visible_to(user)``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from motcua.agencies.models import Unit
from motcua.dossiers.queries import visible_to

from . import rollup
from .counters import BY_NAME, ROLE_DAY
from .models import DossierFact
from .periods import Period
from .sums import in_scope


@dataclass(frozen=True)
class Population:
    key: str
    label: str


def _counter(name: str, period: Period) -> Q:
    day = ROLE_DAY[BY_NAME[name].role]
    return Q(**{f"{name}__gt": 0, f"{day}__range": (period.first, period.last)})


def _received(period: Period) -> Q:
    return Q(received=1, day__range=(period.first, period.last))


def population_q(key: str, period: Period, judged: datetime, extra: dict | None = None) -> Q:
    """The fact filter of population ``key`` (raises KeyError for an unknown key)."""
    extra = extra or {}
    received = _received(period)
    late = Q(late_from__lt=judged)
    # late_from is set only on dossiers ended late or still open: saying so lets the
    # database use the two partial indexes instead of every dossier of the period
    late_rows = late & (Q(late_final=1) | Q(is_open=True))
    special = {
        "late": received & late_rows,
        "on_time": received & ~late,
        "satisfied": received & ~late & Q(disliked=0),
        "resolved": Q(end_day__range=(period.first, period.last))
        & (Q(fin_early=1) | Q(fin_on_time=1) | Q(fin_late=1)),
        "carried_over": Q(received=1, day__lt=period.first)
        & (Q(end_day__isnull=True) | Q(end_day__gte=period.first)),
        "in_progress": Q(received=1, day__lte=period.last)
        & (Q(end_day__isnull=True) | Q(end_day__gt=period.last)),
        "in_progress_late": Q(day__lte=period.last, late_from__lt=judged)
        & (Q(is_open=True) | Q(is_open=False, late_final=1, end_day__gt=period.last)),
        "online": received & (Q(ch_online_partial=1) | Q(ch_online_full=1)),
        "certified": received & Q(procedure_id__in=extra.get("procedures", [])),
        "certified_e": received & Q(e_result=1, procedure_id__in=extra.get("procedures", [])),
    }
    if key in special:
        return special[key]
    if key in BY_NAME:
        return _counter(key, period)
    raise KeyError(key)


LABELS = {
    "late": "Hồ sơ quá hạn (tính đến thời điểm đánh giá)",
    "on_time": "Hồ sơ trước hạn, đúng hạn (tính đến thời điểm đánh giá)",
    "satisfied": "Hồ sơ không quá hạn, không bị đánh giá không hài lòng",
    "resolved": "Hồ sơ đã giải quyết trong kỳ",
    "carried_over": "Hồ sơ kỳ trước chuyển qua",
    "in_progress": "Hồ sơ đang giải quyết cuối kỳ",
    "in_progress_late": "Hồ sơ đang giải quyết, quá hạn",
    "online": "Hồ sơ nộp trực tuyến",
    "certified": "Hồ sơ TTHC chứng thực bản sao điện tử",
    "certified_e": "… có kết quả điện tử",
}

# Indicator id → (numerator population, denominator population) for dossier indicators.
INDICATOR_POPULATIONS = {
    "1.4": ("received", "received"),
    "2.1": ("on_time", "received"),
    "2.2": ("work_count", "work_count"),
    "3.3": ("online_counted", "received"),
    "3.6": ("paid_online", "fee_due"),
    "5.4": ("satisfied", "received"),
    "4.1": ("written_e_result", "written_resolved"),
    "4.2": ("digitized_full", "received"),
    "4.3": ("reused", "received"),
    "4.4": ("repo_linked", "received"),
    "4.5b": ("vneid", "received"),
    "4.6": ("certified_e", "certified"),
}
# Figures of the statistics that open a dossier list.
FIGURE_POPULATIONS = {
    "received": "received",
    "received_direct": "ch_direct",
    "received_postal": "ch_postal",
    "received_online": "online",
    "received_online_partial": "ch_online_partial",
    "received_online_full": "ch_online_full",
    "carried_over": "carried_over",
    "resolved": "resolved",
    "resolved_early": "fin_early",
    "resolved_on_time": "fin_on_time",
    "resolved_late": "fin_late",
    "in_progress": "in_progress",
    "in_progress_late": "in_progress_late",
    "returned": "returned",
    "refused": "refused",
    "withdrawn": "withdrawn",
    "stopped": "stopped",
    "supplemented": "supplemented",
    "apologized": "apologized",
    "pending": "pending",
    "digitized": "digitized",
    "e_result": "e_result",
    "paid_online": "paid_online",
    "rated": "rated",
    "disliked": "disliked",
}


def label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    if key in BY_NAME:
        return BY_NAME[key].label
    return key


def facts(
    unit: Unit, key: str, period: Period, judged: datetime, extra: dict | None = None
) -> QuerySet[DossierFact]:
    rollup.catch_up()  # the list includes every change committed before this call
    return DossierFact.objects.filter(in_scope(unit)).filter(
        population_q(key, period, judged, extra)
    )


class DossierList:
    """A population's dossiers for a paginator: counted and sliced on the fact rows (indexed
    by day), then only the page's dossiers are read — through ``visible_to(user)``, so a
    dossier the user may not see is never shown, whatever the figure."""

    RELATED = ("version", "competent_unit", "receiving_unit", "fact__late_unit",
               "fact__late_official__official")  # fmt: skip

    def __init__(self, user, fact_rows: QuerySet[DossierFact], order=("-day", "-dossier_id")):
        self.user = user
        self.facts = fact_rows.order_by(*order)
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.facts.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return next(iter(self[index : index + 1]))
        ids = list(self.facts[index].values_list("dossier_id", flat=True))
        found = visible_to(self.user).filter(pk__in=ids).select_related(*self.RELATED)
        by_id = {d.pk: d for d in found}
        return [by_id[i] for i in ids if i in by_id]

    def __iter__(self):
        return iter(self[0 : self.count()])

    def exists(self) -> bool:
        return bool(self[0:1])


def dossiers(
    user,
    unit: Unit,
    key: str,
    period: Period,
    judged: datetime,
    extra: dict | None = None,
    procedure_id: int | None = None,
) -> DossierList:
    """The dossiers of a population that ``user`` may see, newest receipt first."""
    qs = facts(unit, key, period, judged, extra)
    if procedure_id is not None:
        qs = qs.filter(procedure_id=procedure_id)
    return DossierList(user, qs)
