"""What dossiers do when something they copy changes elsewhere."""

from django.db.models import Value
from django.db.models.functions import Concat, Substr

from .models import Dossier

PATH_COLUMNS = ("receiving_path", "competent_path", "current_path")


def on_unit_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    """A dossier keeps the paths of its units, so that "what may this official see" is a
    prefix scan (``queries``): when a unit moves under another parent (a merger of
    communes, a department's division moved), its dossiers' paths move with it, in the same
    transaction — else the new parent's officials would not see them and the old parent's
    still would."""
    for column in PATH_COLUMNS:
        Dossier.objects.filter(**{f"{column}__startswith": old_path}).update(
            **{column: Concat(Value(new_path), Substr(column, len(old_path) + 1))}
        )
