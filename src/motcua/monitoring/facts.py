"""The fact row of a dossier: what the figures count, derived from the dossier and its events.

``build`` is a pure function of the dossier, its event log, two component flags and its
rating; the roll-up, the legacy import and the consistency check all call it, so a
figure means the same thing whichever way its row was written.

The on-time rule (domain.md §3.2 indicator 2.1, R-766-3):

- the end of processing is Đã xử lý xong (9), else Dừng / Từ chối / Rút (``finished_at``);
- the time a dossier waited for a supplement is not counted: ``due_at`` has already been
  moved by every completed pause, and a dossier that ended while waiting for a supplement
  ended, for the index, when the supplement was requested;
- more than one supplement request ⇒ late, whatever the dates;
- a dossier still open at the end of the period is judged at the end of the period.

The last rule depends on *when* one looks, so a fact does not store "late" for an open
dossier: it stores ``late_from``, the moment after which the dossier counts as late (its due
moment; its receipt when it is late whatever happens; none when it can no longer become late).
A dossier is late for a period judged at moment T iff ``late_from < T``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.base import ModelState

from motcua.dossiers.models import FINISHED, Component, Dossier, Event, State, Verdict
from motcua.workdays import deadlines
from motcua.workdays.calendar import local
from motcua.workdays.services import calendar_for

from .counters import zero
from .models import DossierFact

RESOLVED_STATES = {State.RESOLVED, State.RETURNED, State.STOPPED}
WITH_RESULT = {State.RESOLVED, State.RETURNED}
OPEN_STATES = {State.RECEIVED, State.IN_PROCESS, State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT}
HANDOVERS = {"forward", "send_back", "transfer", "resolve", "not_eligible"}
PAUSING = {"request_supplement": State.WAITING_SUPPLEMENT, "request_payment": State.WAITING_PAYMENT}


@dataclass
class Extras:
    """What a fact needs beyond the dossier row and its events."""

    digitized: bool = False  # at least one component scanned or uploaded
    reused: bool = False  # at least one component taken from the e-data repository
    liked: bool | None = None  # the 766 overall like/dislike, if rated
    score: int | None = None  # 1–5, if rated


def import_data(events: list[Event]) -> dict | None:
    """The flags a legacy import recorded on the dossier's first event (``action="import"``)."""
    if events and events[0].action == "import":
        return events[0].data or {}
    return None


def _moment(value) -> datetime | None:
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def pause_at_end(d: Dossier, events: list[Event], imp: dict | None) -> datetime | None:
    """When the clock stopped, if the dossier is (or ended) waiting for a supplement or
    payment; ``None`` when the clock was running."""
    if d.paused_at:
        return d.paused_at
    if d.state not in FINISHED:
        return None
    if imp is not None:
        if imp.get("supplement_requested_at") and not imp.get("supplement_completed_at"):
            return _moment(imp["supplement_requested_at"])
        return None
    waiting_since = None
    for e in events:
        pausing = PAUSING.get(e.action)
        if pausing == State.WAITING_SUPPLEMENT or (
            pausing and getattr(settings, "MOTCUA_PAYMENT_PAUSES_CLOCK", True)
        ):
            waiting_since = e.at
        elif e.from_state in (State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT) and e.to_state in (
            State.WAITING_SUPPLEMENT,
            State.WAITING_PAYMENT,
        ):
            continue  # an apology while waiting: still waiting
        elif e.from_state in (State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT):
            if e.to_state in FINISHED:
                return waiting_since  # it ended while waiting
            waiting_since = None
    return None


def paused_minutes(events: list[Event], imp: dict | None, cal) -> float:
    """Working minutes spent waiting on completed pauses (not counted as processing time)."""
    if imp is not None:
        start = _moment(imp.get("supplement_requested_at"))
        end = _moment(imp.get("supplement_completed_at"))
        if start and end and end > start:
            return deadlines.working_time_between(start, end, cal).total_seconds() / 60
        return 0.0
    return sum(float((e.data or {}).get("paused_hours") or 0) * 60 for e in events)


def late_step(d: Dossier, events: list[Event], due: datetime | None):
    """(unit id, official id, step name) where the lateness arose: the first hand-over judged
    late; else the step that was running when the due moment passed."""
    for e in events:
        if e.verdict == Verdict.LATE and e.action in HANDOVERS | {"return_result"}:
            return e.unit_id, e.actor_id, e.step_name
    if due is not None:
        for e in events:
            if e.at > due and (e.action in HANDOVERS or e.verdict):
                return e.unit_id, e.actor_id, e.step_name
    if d.state in OPEN_STATES:
        return d.current_unit_id, d.assignee_id, d.step_name
    return d.competent_unit_id, None, ""


def build(d: Dossier, events: list[Event], extras: Extras) -> DossierFact:
    """The fact row of ``d`` (unsaved). ``d.version`` and ``d.competent_unit`` are read."""
    version = d.version
    imp = import_data(events)
    received = d.received_at is not None
    anchor = d.received_at or d.submitted_at or d.created_at
    ended = d.state in FINISHED
    paused = pause_at_end(d, events, imp)
    due = d.due_at
    end_at = (paused or d.finished_at) if ended else None
    verdict = ""
    if received and ended:
        if d.supplement_requests > 1:
            verdict = Verdict.LATE
        elif due is not None and end_at is not None:
            verdict = _verdict(end_at, due)
        else:
            verdict = Verdict.ON_TIME
    late_from = None
    if received:
        if d.supplement_requests > 1:
            late_from = d.received_at
        elif ended:
            late_from = due if verdict == Verdict.LATE else None
        elif paused is None or (due is not None and paused > due):
            late_from = due

    fact = _new_fact(
        dossier_id=d.pk,
        unit_id=d.competent_unit_id,
        unit_path=d.competent_path,
        receiving_unit_id=d.receiving_unit_id,
        receiving_path=d.receiving_path,
        procedure_id=version.procedure_id,
        version_id=version.pk,
        field_id=version.field_id,
        channel=d.channel,
        online_level=version.online_level,
        state=d.state,
        day=local(anchor).date(),
        end_day=local(d.finished_at).date() if ended and d.finished_at else None,
        return_day=(
            local(d.returned_at).date() if d.state == State.RETURNED and d.returned_at else None
        ),
        received_at=d.received_at,
        due_at=due,
        end_at=end_at,
        late_from=late_from,
        is_open=received and d.state in OPEN_STATES,
        imported=imp is not None,
    )
    counters = _counters(d, version, imp, extras, fact, verdict, events)
    fact.__dict__.update(counters)
    if fact.late_final or (fact.is_open and late_from is not None):
        fact.late_unit_id, fact.late_official_id, fact.late_step = late_step(d, events, due)
        fact.late_step = (fact.late_step or "")[:300]
    for e in events:
        if e.action == "receive" and fact.receiver_id is None:
            fact.receiver_id = e.actor_id
        if e.action == "resolve":
            fact.resolver_id = e.actor_id
    return fact


_DEFAULTS: dict = {}


def bare(model, values: dict):
    """An unsaved instance of ``model`` holding ``values`` (by attname) and the defaults of
    the other fields, without ``Model.__init__``: its per-field descriptors cost more than
    everything else when a legacy import builds millions of rows. Use only with trusted,
    complete values (never for user input)."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = [
            (f.attname, f.default if f.has_default() and callable(f.default) else f.get_default())
            for f in model._meta.concrete_fields
        ]
    obj = model.__new__(model)
    state = obj.__dict__
    for name, default in defaults:
        state[name] = default() if callable(default) else default
    state.update(values)
    obj._state = ModelState()
    return obj


def _new_fact(**values) -> DossierFact:
    return bare(DossierFact, values)


def _verdict(end: datetime, due: datetime) -> str:
    if end > due:
        return Verdict.LATE
    if local(end).date() == local(due).date():
        return Verdict.ON_TIME
    return Verdict.EARLY


def _counters(d, version, raw_imp, extras: Extras, fact, verdict, events) -> dict[str, int]:
    c = zero()
    imp = raw_imp or {}
    received = fact.received_at is not None
    written = bool(version.requires_written_result)
    if d.state == State.SUBMITTED:
        c["pending"] = 1
    c["submitted_online"] = int(d.channel == "online")
    if received:
        c["received"] = 1
        if d.channel == "online":
            c["ch_online_full" if version.online_level == "FULL" else "ch_online_partial"] = 1
            c["online_counted"] = int(d.e_result or not written)
        elif d.channel == "postal":
            c["ch_postal"] = 1
        else:
            c["ch_direct"] = 1
        c["open_now"] = int(fact.is_open)
        c["late_final"] = int(
            fact.late_from is not None and (not fact.is_open or d.supplement_requests > 1)
        )
        c["supplemented"] = int(d.supplement_requests > 0)
        c["supplement_requests"] = d.supplement_requests
        c["apologized"] = int(d.apologies > 0)
        c["fee_due"] = int(d.fee_total > 0 or bool(imp.get("has_fee")))
        c["paid_online"] = int(c["fee_due"] and d.paid_online)
        c["resolved_r"] = int(d.state in WITH_RESULT)
        c["written_resolved"] = int(d.state in WITH_RESULT and written)
        c["written_e_result"] = int(c["written_resolved"] and d.e_result)
        c["e_result"] = int(d.e_result)
        digitized = extras.digitized or bool(imp.get("digitized"))
        c["digitized"] = int(digitized)
        c["digitized_full"] = int(digitized and (d.e_result or not written))
        reused = extras.reused or bool(imp.get("reused_data"))
        c["reused"] = int(reused)
        c["repo_linked"] = int(
            reused or (d.e_result and (d.owner_id is not None or d.channel == "online"))
        )
        c["vneid"] = int(bool(imp.get("vneid")))
        liked, score = extras.liked, extras.score
        if imp.get("rating"):
            score = int(imp["rating"])
            liked = True if score >= 4 else (False if score <= 2 else None)
        if score is not None or liked is not None:
            c["rated"] = 1
            c["liked"] = int(liked is True)
            c["disliked"] = int(liked is False)
            c["rating_sum"] = score or 0
    if fact.end_day is not None:
        if received and d.state in RESOLVED_STATES:
            key = {Verdict.EARLY: "fin_early", Verdict.LATE: "fin_late"}.get(verdict)
            c[key or "fin_on_time"] = 1
        c["stopped"] = int(d.state == State.STOPPED)
        c["withdrawn"] = int(d.state == State.WITHDRAWN)
        c["refused"] = int(d.state == State.REJECTED)
        c["closed"] = int(received and d.state in RESOLVED_STATES | {State.WITHDRAWN})
        if received and d.state in WITH_RESULT and fact.end_at:
            cal = calendar_for(d.competent_unit)
            worked = deadlines.working_time_between(fact.received_at, fact.end_at, cal)
            minutes = worked.total_seconds() / 60 - paused_minutes(events, raw_imp, cal)
            c["work_count"] = 1
            c["work_minutes"] = max(0, round(minutes))
    if fact.return_day is not None:
        c["returned"] = 1
        method = d.return_method
        c[{"post": "ret_post", "online": "ret_online"}.get(method, "ret_desk")] = 1
    return c


# --- reading what build() needs ----------------------------------------------------------------


def extras_for(dossier_ids: list[int]) -> dict[int, Extras]:
    """Component flags and ratings of many dossiers in two queries."""
    found = {pk: Extras() for pk in dossier_ids}
    flags = (
        Component.objects.filter(dossier_id__in=dossier_ids)
        .values("dossier_id")
        .annotate(
            digitized=Count("pk", filter=Q(digitized=True) | Q(file__isnull=False)),
            reused=Count("pk", filter=Q(reused=True)),
        )
    )
    for row in flags:
        found[row["dossier_id"]].digitized = row["digitized"] > 0
        found[row["dossier_id"]].reused = row["reused"] > 0
    for pk, liked, score in _ratings(dossier_ids):
        found[pk].liked, found[pk].score = liked, score
    return found


def _ratings(dossier_ids: list[int]):
    try:
        from motcua.ratings.models import ELEMENTS, Rating
    except ImportError:  # the ratings app is optional
        return []
    keys = [k for k, _ in ELEMENTS]
    rows = Rating.objects.filter(dossier_id__in=dossier_ids).values_list(
        "dossier_id", "liked", *keys
    )
    return [(r[0], r[1], round(sum(r[2:]) / len(keys))) for r in rows]


def dossiers_with_inputs(ids: list[int]):
    """Yield (dossier, events, extras) for ``ids`` with a fixed number of queries."""
    dossiers = Dossier.objects.filter(pk__in=ids).select_related("version", "competent_unit")
    events: dict[int, list[Event]] = {pk: [] for pk in ids}
    for e in Event.objects.filter(dossier_id__in=ids).order_by("dossier_id", "seq"):
        events[e.dossier_id].append(e)
    extras = extras_for(ids)
    for d in dossiers:
        yield d, events[d.pk], extras[d.pk]
