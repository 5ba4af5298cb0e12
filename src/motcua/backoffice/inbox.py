"""Inboxes: which dossiers wait for an official or a unit, most urgent first.

The querysets are built from ``visible_to`` plus indexed columns (state, the unit path
prefixes, due dates); the urgency of each row is computed in Python from the unit's cached
calendar (``calendar_for``), so a page of 50 rows costs a handful of queries, not 50.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.queries import visible_to
from motcua.workdays import deadlines
from motcua.workdays.calendar import local
from motcua.workdays.services import calendar_for

from .access import role_paths

OPEN = [State.RECEIVED, State.IN_PROCESS, State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT]
ACTIVE = [State.SUBMITTED, *OPEN, State.RESOLVED]
# What the desk (RECEIVER at the receiving unit) acts on besides its own steps.
DESK_STATES = [State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT, State.RESOLVED]

SCOPES = {"toi": "Việc của tôi", "don-vi": "Của đơn vị", "tat-ca": "Tra cứu tất cả"}
DUE_FILTERS = {"qua-han": "Quá hạn", "sap-den-han": "Sắp đến hạn"}


def mine(user) -> QuerySet[Dossier]:
    """Waiting for ``user`` now: assigned to them, or an unassigned step of a role they hold
    at the unit holding it; a head also gets every unassigned step at their units (to assign
    it), and the desk gets supplements, payments and results to hand over."""
    roles = role_paths(user)
    q = Q(assignee=user, state__in=OPEN)
    for role, paths in roles.items():
        for p in paths:
            if role in (Role.RECEIVER, Role.SPECIALIST, Role.HEAD):
                q |= Q(current_path__startswith=p, step_role=role, assignee__isnull=True)
            if role == Role.HEAD:
                q |= Q(current_path__startswith=p, assignee__isnull=True, state__in=OPEN)
            if role == Role.RECEIVER:
                q |= Q(receiving_path__startswith=p, state__in=[State.SUBMITTED, *DESK_STATES])
    return visible_to(user).filter(q, state__in=ACTIVE)


def of_unit(user) -> QuerySet[Dossier]:
    """Held now by any unit in the official's scope, not yet finished."""
    paths = sorted({p for ps in role_paths(user).values() for p in ps})
    qs = visible_to(user).filter(state__in=ACTIVE)
    if "/" in paths or getattr(user, "is_superuser", False):
        return qs
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(current_path__startswith=p)
    return qs.filter(q)


def base(user, scope_key: str) -> QuerySet[Dossier]:
    if scope_key == "toi":
        return mine(user)
    if scope_key == "don-vi":
        return of_unit(user)
    return visible_to(user)


def with_deadline(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Annotate ``deadline``: the earlier of the step's and the dossier's due moments."""
    return qs.annotate(
        deadline=Case(
            When(step_due_at__isnull=True, then=F("due_at")),
            When(due_at__isnull=True, then=F("step_due_at")),
            When(step_due_at__lt=F("due_at"), then=F("step_due_at")),
            default=F("due_at"),
            output_field=DateTimeField(),
        ),
        paused=Case(When(paused_at__isnull=False, then=Value(1)), default=Value(0)),
        finished_rank=Case(
            When(state__in=ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    )


def soon_threshold(now: datetime) -> datetime:
    """Due-soon starts one working day before the due day (the apology day, domain §1.5.7):
    anything due by the close of the next working day is due soon."""
    cal = calendar_for(None)
    return cal.closing(cal.next_working_day(local(now).date()))


def due_filter(kind: str, now: datetime) -> Q:
    running = Q(paused_at__isnull=True, state__in=OPEN)
    if kind == "qua-han":
        return running & (Q(due_at__lt=now) | Q(step_due_at__lt=now))
    if kind == "sap-den-han":
        limit = soon_threshold(now)
        return running & (
            Q(due_at__gte=now, due_at__lte=limit) | Q(step_due_at__gte=now, step_due_at__lte=limit)
        )
    return Q()


@dataclass
class Filters:
    q: str = ""
    procedure: str = ""
    state: str = ""
    since: date | None = None
    until: date | None = None
    due: str = ""


def apply(qs: QuerySet[Dossier], f: Filters, now: datetime) -> QuerySet[Dossier]:
    """Search by code, applicant (name, identity number, phone), procedure, state, dates."""
    text = f.q.strip()
    if text:
        digits = text.replace(" ", "")
        if "-" in text and "." in text:  # a dossier code, or its beginning
            qs = qs.filter(code__startswith=text.upper())
        elif digits.isdigit() and len(digits) in (10, 12, 13):
            qs = qs.filter(
                Q(applicant_id_number=digits) | Q(applicant_phone=digits) | Q(code__endswith=text)
            )
        else:
            qs = qs.filter(Q(applicant_name__icontains=text) | Q(code__icontains=text))
    if f.procedure.strip():
        p = f.procedure.strip()
        qs = qs.filter(Q(version__procedure__code=p) | Q(version__name__icontains=p))
    if f.state in State.values:
        qs = qs.filter(state=f.state)
    if f.since:
        qs = qs.filter(received_at__gte=_day_start(f.since))  # a range, so the index serves
    if f.until:
        qs = qs.filter(received_at__lt=_day_start(f.until + timedelta(days=1)))
    if f.due in DUE_FILTERS:
        qs = qs.filter(due_filter(f.due, now))
    return qs


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def ordered(qs: QuerySet[Dossier], scope_key: str) -> QuerySet[Dossier]:
    qs = with_deadline(qs)
    if scope_key == "tat-ca":
        return qs.order_by("finished_rank", F("deadline").asc(nulls_last=True), "-id")
    return qs.order_by("paused", F("deadline").asc(nulls_last=True), "submitted_at", "id")


# --- one row's urgency -------------------------------------------------------------------------


@dataclass
class Clock:
    """How a deadline stands: its moment, colour class, label and remaining working time."""

    due: datetime
    urgency: str  # ON_TIME | DUE_SOON | OVERDUE
    label: str
    remaining: str

    @property
    def css(self) -> str:
        return {"ON_TIME": "ok", "DUE_SOON": "soon", "OVERDUE": "late"}[self.urgency]


def clock(due: datetime | None, unit, now: datetime, memo: dict | None = None) -> Clock | None:
    """How ``due`` stands at ``now`` on ``unit``'s calendar. ``memo`` shares the answer
    between rows: day-counted limits all end at the same closing moments."""
    if due is None:
        return None
    cal = calendar_for(unit)
    key = (due, id(cal))
    if memo is not None and key in memo:
        return memo[key]
    level = deadlines.urgency(now, due, cal)
    left = deadlines.remaining_working_time(now, due, cal)
    overdue = level == deadlines.Urgency.OVERDUE
    found = Clock(due, str(level), level.label, duration_text(left, cal.day_length, overdue))
    if memo is not None:
        memo[key] = found
    return found


def duration_text(left: timedelta, day: timedelta, overdue: bool = False) -> str:
    """Working time as officials say it: "còn 1 ngày 3 giờ", "quá hạn 2 giờ 15 phút".

    Past the due moment but with no working time since (the evening, a weekend) it is
    "đã quá hạn": overdue, though not yet by any working time."""
    late = overdue or left < timedelta(0)
    if late and left >= timedelta(0):
        return "đã quá hạn"
    left = abs(left)
    minutes = int(left.total_seconds() // 60)
    day_minutes = max(int(day.total_seconds() // 60), 1)
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins and not days:
        parts.append(f"{mins} phút")
    text = " ".join(parts) or "0 phút"
    return f"quá hạn {text}" if late else f"còn {text}"


def decorate(dossiers, now: datetime) -> list[Dossier]:
    """Attach ``dossier_clock`` and ``step_clock`` to each row (no query per row: the units
    are select_related and their calendars cached)."""
    rows = list(dossiers)
    memo: dict = {}
    for d in rows:
        running = d.state in OPEN and d.paused_at is None
        d.dossier_clock = clock(d.due_at, d.competent_unit, now, memo) if running else None
        d.step_clock = clock(d.step_due_at, d.current_unit, now, memo) if running else None
        worst = [c for c in (d.dossier_clock, d.step_clock) if c]
        order = {"OVERDUE": 0, "DUE_SOON": 1, "ON_TIME": 2}
        d.worst_clock = min(worst, key=lambda c: order[c.urgency]) if worst else None
    return rows


def warnings(user, now: datetime) -> dict:
    """The "Sắp đến hạn / Quá hạn" panel: counts over the official's own and unit inboxes
    (one aggregate query each)."""
    counts = {
        "overdue": Count("pk", filter=due_filter("qua-han", now)),
        "soon": Count("pk", filter=due_filter("sap-den-han", now)),
    }
    own = mine(user).aggregate(**counts)
    unit = of_unit(user).aggregate(**counts)
    return {
        "mine_overdue": own["overdue"],
        "mine_soon": own["soon"],
        "unit_overdue": unit["overdue"],
        "unit_soon": unit["soon"],
    }


# Long texts of the procedure version that lists never show.
HEAVY = [
    f"version__{f}"
    for f in ("description", "procedure_steps", "methods", "conditions", "legal_basis",
              "search_name", "search_body", "result_name", "levels", "subject_types")
]  # fmt: skip


def for_list(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The joins a list row shows, without the procedure's long texts."""
    return qs.select_related(
        "version__procedure", "current_unit", "competent_unit", "assignee__official"
    ).defer(*HEAVY)
