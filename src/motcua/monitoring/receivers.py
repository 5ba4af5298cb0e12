"""Keeping facts and tallies in step with dossiers, inside the transaction of each change.

``dossiers`` sends ``dossier_changed`` after it writes an event, in the same transaction; a
rating sends ``ratings.signals.rated`` likewise. Doing the work here (not in a later task)
means a figure never counts a change that was rolled back and never misses one that was
committed.
"""

from motcua.dossiers.models import Dossier, State

from . import tallies
from .facts import Extras, build_for
from .models import DossierFact

# Events that may add components (a receipt, a resubmission, a supplement handed in).
ADDS_COMPONENTS = {"receive", "submit", "resubmit", "complete_supplement", "import"}


FIELDS = [f.attname for f in DossierFact._meta.concrete_fields if not f.primary_key]


def known_extras(old: DossierFact | None, action: str | None) -> Extras | None:
    """The component flags and rating the previous fact already holds, when this event
    cannot have changed them (saves two queries on most steps); None: read them."""
    if old is None or not old.received or action is None or action in ADDS_COMPONENTS:
        return None
    liked = True if old.liked else (False if old.disliked else None)
    return Extras(
        digitized=bool(old.digitized),
        reused=bool(old.reused),
        liked=liked,
        score=old.rating_sum if old.rated and not old.imported else None,
    )


def refresh(dossier: Dossier, action: str | None = None) -> DossierFact | None:
    """Rebuild the dossier's fact and move the tallies by the difference; write only what
    changed (most steps of a dossier change no counter at all)."""
    old = DossierFact.objects.filter(pk=dossier.pk).first()
    if dossier.state == State.DRAFT:
        if old is not None:
            old.delete()
            tallies.apply_change(old, None)
        return None
    new = build_for(dossier, known_extras(old, action))
    if old is None:
        new.save(force_insert=True)
    else:
        changed = [f for f in FIELDS if getattr(old, f) != getattr(new, f)]
        if not changed:
            return new
        new.save(update_fields=changed)
    tallies.apply_change(old, new)
    return new


def on_dossier_changed(sender, dossier: Dossier, event=None, **kwargs) -> None:
    refresh(dossier, getattr(event, "action", None))


def on_rated(sender, rating=None, **kwargs) -> None:
    if rating is None:
        return
    dossier = Dossier.objects.select_related("version", "competent_unit").get(pk=rating.dossier_id)
    refresh(dossier)
