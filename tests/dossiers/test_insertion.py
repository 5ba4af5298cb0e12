"""A new dossier's rows: the one-statement insert (PostgreSQL) writes exactly what the ORM
writes (SQLite), and numbers past 9 999 a day keep every digit."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict

from motcua.catalog import services as catalog
from motcua.catalog.models import Fee
from motcua.dossiers import insertion
from motcua.dossiers.models import CodeSequence, Component, Dossier, DossierFee, Event
from tests.dossiers.test_lifecycle import receive
from tests.factories import FOUR_STEPS, make_version

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def rows(d: Dossier) -> dict:
    """Every column of the dossier and its rows, but keys and code."""

    def plain(row, *skip):
        return {k: v for k, v in model_to_dict(row).items() if k not in ("id", "dossier", *skip)}

    return {
        "dossier": plain(d, "code"),
        "components": [plain(c) for c in Component.objects.filter(dossier=d).order_by("id")],
        "fees": [plain(f) for f in DossierFee.objects.filter(dossier=d).order_by("id")],
        "events": [plain(e) for e in Event.objects.filter(dossier=d)],
    }


def copy(d: Dossier):
    """Unsaved copies of a written dossier's rows, as the services hand them over."""

    def fresh(row):
        row.pk = None
        row._state.adding = True
        return row

    components = [fresh(c) for c in Component.objects.filter(dossier=d).order_by("id")]
    fees = [fresh(f) for f in DossierFee.objects.filter(dossier=d).order_by("id")]
    (event,) = [fresh(e) for e in Event.objects.filter(dossier=d)]
    return fresh(Dossier.objects.get(pk=d.pk)), components, fees, event


@pytest.fixture
def with_fee(province, decision):
    version = make_version(days=3, steps=FOUR_STEPS, units=[province["commune_a"]])
    Fee.objects.create(version=version, kind="LE_PHI", name="Lệ phí", amount=8000)
    return catalog.publish(version, decision)


@on_postgres
def test_one_statement_writes_what_the_orm_writes(with_fee, people, province):
    written = receive(with_fee, people, province)
    assert Component.objects.filter(dossier=written).exists()
    assert DossierFee.objects.filter(dossier=written).exists()

    dossier, components, fees, event = copy(written)
    insertion._insert_with_the_orm(
        dossier, "000.01.31.H99", date(2026, 3, 2), "000.01.31.H99-260302-", components, fees, event
    )
    assert dossier.code == "000.01.31.H99-260302-0002"
    assert rows(dossier) == rows(written)


def test_the_counter_is_rolled_back_with_a_failed_insert(procedure, people, province):
    receive(procedure, people, province)
    dossier, components, fees, event = copy(Dossier.objects.get())
    dossier.idempotency_key = "k"
    Dossier.objects.update(idempotency_key="k")  # the insert will break its unique constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        insertion.insert(dossier, "000.01.31.H99", date(2026, 3, 2), components, fees, event)
    assert CodeSequence.objects.get().last == 1
    assert Dossier.objects.count() == 1


def test_numbers_past_9999_keep_every_digit(procedure, people, province):
    receive(procedure, people, province)
    CodeSequence.objects.update(last=9999)
    d = receive(procedure, people, province, when="2026-03-02 10:00")
    assert d.code == "000.01.31.H99-260302-10000"
    assert insertion.code("X-260302-", 7) == "X-260302-0007"
