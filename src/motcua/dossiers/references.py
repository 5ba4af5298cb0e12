"""The units and procedure versions a dossier list names beside each row, kept per process.

A page of 100 dossiers names a handful of units and versions, the same ones page after page;
reading them with every page cost more than reading the page. Reference data changes
rarely: a published version's name and number never change (``catalog``: frozen once
published), a unit or a procedure code is corrected or renamed a few times a year. A save or
deletion in this process forgets everything at once; other processes read again after
``KEEP_SECONDS`` at most, as the calendar does (``workdays.services.calendar_for``). Nothing
here decides what a user may see: the permission filter reads the database.
"""

import time
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from motcua.agencies.models import Unit
from motcua.catalog.models import Procedure, ProcedureVersion

KEEP_SECONDS = 60


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What a row shows of a unit (``answer``), and what ``calendar_for`` reads of it (its
    path, for its working windows)."""

    pk: int
    code: str
    name: str
    path: str
    answer: dict = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "answer", {"code": self.code, "name": self.name})


_units: dict[int, UnitRef] = {}
_versions: dict[int, dict] = {}
_since = [time.monotonic()]


def units(ids) -> dict[int, UnitRef]:
    """``{pk: UnitRef}`` for every unit in ``ids`` (one query for those not yet kept)."""
    _expire()
    missing = set(ids).difference(_units)
    if missing:
        found = Unit.objects.filter(pk__in=missing).values_list("pk", "code", "name", "path")
        _units.update((row[0], UnitRef(*row)) for row in found)
    return _units


def versions(ids) -> dict[int, dict]:
    """``{pk: {"code", "name", "version"}}``: a version as the list's ``procedure`` shows it."""
    _expire()
    missing = set(ids).difference(_versions)
    if missing:
        found = ProcedureVersion.objects.filter(pk__in=missing).values_list(
            "pk", "procedure__code", "name", "number"
        )
        _versions.update(
            (pk, {"code": code, "name": name, "version": number})
            for pk, code, name, number in found
        )
    return _versions


def _expire() -> None:
    if time.monotonic() - _since[0] > KEEP_SECONDS:
        forget()


def forget(**_signal_kwargs) -> None:
    """Connected to saves and deletions of units, procedures and versions."""
    _units.clear()
    _versions.clear()
    _since[0] = time.monotonic()


for _model in (Unit, Procedure, ProcedureVersion):
    for _signal in (post_save, post_delete):
        _signal.connect(forget, sender=_model, dispatch_uid=f"references.{_model.__name__}")
