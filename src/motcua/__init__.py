"""Mot Cua: the one-stop shop (một cửa điện tử) and public-service portal of a province."""

from .celery import app as celery_app

__all__ = ["celery_app"]
