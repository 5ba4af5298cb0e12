"""What the citizen pages need that is more than one query: where to submit, what a
dossier's history says to its applicant, what is asked of them now.

Nothing here changes a dossier: submissions, answers and withdrawals go through
``dossiers.services``; this module prepares their input and reads their output.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.agencies.models import Unit
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, Event, State
from motcua.dossiers.transitions import TRANSITIONS

from .models import LifeEvent

# --- where to submit --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A unit that resolves the procedure, and the one-stop desk that receives for it."""

    competent: Unit
    desk: Unit

    @property
    def code(self) -> str:
        return self.competent.code


def desk_for(unit: Unit, desks: list[Unit]) -> Unit | None:
    """The one-stop desk receiving for ``unit``: its own (a commune's centre under it), else
    the nearest one beside it going up the tree (a department → the provincial centre)."""
    own = [d for d in desks if d.path.startswith(unit.path)]
    if own:
        return min(own, key=lambda d: d.path)
    ancestors = unit.path.strip("/").split("/")[:-1]
    for i in range(len(ancestors), 0, -1):
        parent_path = "/" + "/".join(ancestors[:i]) + "/"
        siblings = [d for d in desks if d.path.startswith(parent_path) and d.depth == i]
        if siblings:
            return min(siblings, key=lambda d: d.path)
    return None


def places_for(version: ProcedureVersion) -> list[Place]:
    """Every place the citizen may submit ``version`` at, in the tree's order."""
    desks = list(Unit.objects.filter(one_stop=True, active=True))
    places = []
    for unit in version.implementing_units.filter(active=True).order_by("path"):
        desk = desk_for(unit, desks)
        if desk is not None:
            places.append(Place(competent=unit, desk=desk))
    return places


def place(version: ProcedureVersion, code: str) -> Place | None:
    return next((p for p in places_for(version) if p.code == code), None)


# --- life events --------------------------------------------------------------------------------


def life_event_versions(event: LifeEvent) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(
        procedure__code__in=event.procedure_codes,
        status="PUBLISHED",
        procedure__abolished_by__isnull=True,
    )


# --- a dossier as its applicant sees it ---------------------------------------------------------

# Events whose note is written to the applicant (a refusal's reason, a supplement request);
# the notes of internal hand-overs stay inside.
PUBLIC_NOTES = {
    "request_intake_supplement", "request_supplement", "refuse", "not_eligible", "withdraw",
    "apologize", "lapse_supplement", "resubmit", "complete_supplement",
}  # fmt: skip
SUPPLEMENT_REQUESTS = {"request_supplement", "request_intake_supplement"}


@dataclass
class Step:
    at: object
    label: str
    unit: str
    state: str
    note: str
    items: list


def history(dossier: Dossier) -> list[Step]:
    steps = []
    for e in dossier.events.select_related("unit", "to_unit").order_by("seq"):
        transition = TRANSITIONS.get(e.action)
        label = transition.label if transition else e.action
        unit = e.to_unit or e.unit
        steps.append(
            Step(
                at=e.at,
                label=label,
                unit=unit.name if unit else "",
                state=State(e.to_state).label if e.to_state in State.values else "",
                note=e.note if e.action in PUBLIC_NOTES else "",
                items=list((e.data or {}).get("items") or []),
            )
        )
    return steps


def pending_request(dossier: Dossier) -> Event | None:
    """The supplement request the applicant has yet to answer, if any."""
    if dossier.state == State.WAITING_SUPPLEMENT:
        return dossier.events.filter(action="request_supplement").order_by("-seq").first()
    if dossier.state == State.SUBMITTED:
        last = (
            dossier.events.filter(action__in=["submit", "resubmit", "request_intake_supplement"])
            .order_by("-seq")
            .first()
        )
        if last and last.action == "request_intake_supplement":
            return last
    return None


def request_items(event: Event | None) -> list[str]:
    """The documents a supplement request lists (its Mẫu 02 items)."""
    return [str(i) for i in ((event.data or {}).get("items") or [])] if event else []


def answer_action(dossier: Dossier) -> str | None:
    """The action that answers the pending request: before receipt the dossier is sent again
    (``resubmit``); during processing the supplement is completed (``complete_supplement``)."""
    request = pending_request(dossier)
    if request is None:
        return None
    return "resubmit" if request.action == "request_intake_supplement" else "complete_supplement"


def result_available(dossier: Dossier) -> bool:
    return bool(dossier.result_file_id) and dossier.state in (State.RESOLVED, State.RETURNED)


def my_dossiers(user) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(owner=user)
        .select_related("version", "receiving_unit")
        .order_by("-submitted_at", "-id")
    )
