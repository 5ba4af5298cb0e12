"""The competent unit of a counter receipt that does not name one: the implementing unit
above the desk, or the only one there is; otherwise the official must choose."""

import pytest

from motcua.catalog import services as catalog
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.factories import at, intake, make_version

NOW = at("2026-03-02 09:00")


@pytest.fixture
def desks(province, make_official):
    return {
        "commune_a": make_official("tiepnhan.xa", "RECEIVER", province["commune_a_center"]),
        "center": make_official("tiepnhan.tinh", "RECEIVER", province["center"]),
    }


def test_a_commune_desk_receives_for_its_own_commune(procedure, province, desks):
    """Communes A and B implement the procedure: A's desk receives for A, never for B."""
    d = services.receive_at_counter(
        desks["commune_a"], province["commune_a_center"], intake(procedure), now=NOW
    )
    assert d.competent_unit == province["commune_a"]
    assert Dossier.objects.get(pk=d.pk).competent_path == province["commune_a"].path


def test_the_only_implementing_unit_resolves_what_any_desk_receives(province, decision, desks):
    version = catalog.publish(make_version("2.000001", units=[province["justice"]]), decision)
    d = services.receive_at_counter(desks["center"], province["center"], intake(version), now=NOW)
    assert d.competent_unit == province["justice"]


def test_several_implementing_units_none_above_the_desk_must_be_chosen(procedure, province, desks):
    with pytest.raises(DomainError) as refused:
        services.receive_at_counter(desks["center"], province["center"], intake(procedure), now=NOW)
    assert (refused.value.code, refused.value.field) == (
        "competent_unit_required",
        "competent_unit",
    )
    assert not Dossier.objects.exists()
    chosen = intake(procedure, competent_unit=province["commune_b"])
    d = services.receive_at_counter(desks["center"], province["center"], chosen, now=NOW)
    assert d.competent_unit == province["commune_b"]
