import pytest
from django.test import Client

from motcua.catalog import services as catalog
from motcua.dossiers import services
from tests.factories import at, intake, make_version


@pytest.fixture
def staff(province, make_official):
    """Commune A's desk, specialist and head; commune B's desk; a justice specialist."""
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
        "other": make_official("tiepnhan.b", "RECEIVER", province["commune_b"]),
        "justice": make_official("chuyenvien.stp", "SPECIALIST", province["justice_div"]),
    }


@pytest.fixture
def proc(province, decision):
    """3 working days: desk 4 h → specialist 12 h → head 4 h → desk 4 h (return)."""
    version = make_version(
        days=3,
        steps=[("RECEIVER", "@receiving", 4), ("SPECIALIST", "@competent", 12),
               ("HEAD", "@competent", 4), ("RECEIVER", "@receiving", 4)],
        units=[province["commune_a"], province["commune_b"]],
    )  # fmt: skip
    return catalog.publish(version, decision)


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
