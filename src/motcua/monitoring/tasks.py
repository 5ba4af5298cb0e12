"""Background roll-up: keeps the queue of changed dossiers short when nobody reads figures.

Scheduled by Celery beat every ``MOTCUA_ROLLUP_SECONDS`` (settings ``CELERY_BEAT_SCHEDULE``);
a run that finds the queue empty costs one indexed query. Readers roll up themselves before
reading, so a late or skipped run delays nothing a user sees."""

from celery import shared_task

from . import rollup


@shared_task(name="monitoring.rollup", ignore_result=True)
def roll_up_changes() -> int:
    """Roll up the pending changes; returns the number of dossiers rebuilt."""
    return rollup.catch_up().dossiers
