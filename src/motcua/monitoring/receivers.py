"""Noting changed dossiers for the roll-up, inside the transaction of each change.

``dossiers`` sends ``dossier_changed`` after it writes an event, in the same transaction; a
rating sends ``ratings.signals.rated`` likewise. The receivers only note *that* the dossier
changed (``rollup.note``: one append-only INSERT, committed or rolled back with the change);
``rollup.catch_up`` rebuilds facts and tallies from the committed dossiers, before every
read and every few seconds in the background. Rebuilding here, in every change's own
transaction, cost more than half a receipt and made every receipt of a province wait on the
same tally rows until it committed.
"""

from motcua.dossiers.models import Dossier

from . import rollup


def on_dossier_changed(sender, dossier: Dossier, event=None, **kwargs) -> None:
    rollup.note(dossier.pk)


def on_rated(sender, rating=None, **kwargs) -> None:
    if rating is not None:
        rollup.note(rating.dossier_id)


def on_unit_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    """Facts copy their units' paths and tallies are filed under every unit above them: a
    move re-files them in its own transaction (``rollup.refile``)."""
    rollup.refile(old_path, new_path)
