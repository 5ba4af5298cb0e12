"""Signals other apps listen to; agencies never import them (data flows one way)."""

from django.dispatch import Signal

# Sent inside the transaction that moves a unit under another parent, once every unit of the
# moved subtree has its new path: ``old_path`` and ``new_path`` of the moved unit (each
# descendant's path changed the same prefix).
unit_moved = Signal()
