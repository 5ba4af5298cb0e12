"""What the portal does when a dossier changes (``dossiers.signals.dossier_changed``).

Runs inside the dossier's transaction: repository writes commit or roll back with the
change; messages are queued with ``transaction.on_commit`` by ``notifications.notify``.
"""

from django.dispatch import receiver

from motcua.documents import repository
from motcua.dossiers.signals import dossier_changed

from . import notifications

# Once received, the components are accepted; once resolved, every component was used to
# decide, and the e-result exists (R-DATA-1).
KEEP_COMPONENTS_ON = {"receive", "resolve"}


@receiver(dossier_changed, dispatch_uid="portal.on_dossier_changed")
def on_dossier_changed(sender, dossier, event, **kwargs):
    if dossier.owner_id:
        if event.action in KEEP_COMPONENTS_ON:
            repository.keep_components(dossier)
        if event.action == "resolve":
            repository.keep_result(dossier)
    notifications.notify(dossier, event)
