"""Signals monitoring may listen to."""

from django.dispatch import Signal

# Sent inside the transaction that saves a new rating: ``rating`` (the Rating).
rated = Signal()
