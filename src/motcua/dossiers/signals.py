"""Signals other apps listen to; dossiers never import them (data flows one way)."""

from django.dispatch import Signal

# Sent inside the transaction of every change, after its event is written:
# ``dossier`` (the changed Dossier) and ``event`` (the Event just appended).
dossier_changed = Signal()
