"""Signals other apps listen to; agencies never import them (data flows one way)."""

from django.db.models import QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal

# Sent inside the transaction that moves a unit under another parent, once every unit of the
# moved subtree has its new path: ``old_path`` and ``new_path`` of the moved unit (each
# descendant's path changed the same prefix).
unit_moved = Signal()


def rebased(path: str, old_path: str, new_path: str) -> str:
    """``path`` as it reads after the unit at ``old_path`` moved to ``new_path``."""
    return new_path + path[len(old_path) :] if path.startswith(old_path) else path


def rebase(rows: QuerySet, columns: tuple[str, ...], old_path: str, new_path: str) -> None:
    """What a listener of ``unit_moved`` does with the unit paths it copies: ``rebased``, in
    the database, for every path in ``columns`` of ``rows`` under ``old_path``."""
    for column in columns:
        rows.filter(**{f"{column}__startswith": old_path}).update(
            **{column: Concat(Value(new_path), Substr(column, len(old_path) + 1))}
        )
