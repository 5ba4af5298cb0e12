"""What dossiers do when something they copy changes elsewhere."""

from motcua.agencies.signals import rebase

from .models import Dossier

PATH_COLUMNS = ("receiving_path", "competent_path", "current_path")


def on_unit_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    """A dossier keeps the paths of its units, so that "what may this official see" is a
    prefix scan (``queries``): when a unit moves under another parent (a merger of
    communes, a department's division moved), its dossiers' paths move with it, in the same
    transaction — else the new parent's officials would not see them and the old parent's
    still would."""
    rebase(Dossier.objects.all(), PATH_COLUMNS, old_path, new_path)
