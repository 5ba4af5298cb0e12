import pytest
from django.test import Client

from motcua.dossiers import services
from tests.factories import at, intake


@pytest.fixture
def staff(people):
    return {**people, "other": people["other_receiver"]}


@pytest.fixture
def proc(procedure):
    return procedure


@pytest.fixture
def received(proc, staff, province):
    """A dossier received at commune A's desk on Monday 02/03/2026 09:00."""
    return services.receive_at_counter(
        staff["receiver"], province["commune_a_center"], intake(proc), now=at("2026-03-02 09:00")
    )


@pytest.fixture
def client_for():
    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make
