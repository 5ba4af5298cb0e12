"""Fixtures for the API tests: a procedure, officials in two communes, bearer clients."""

import pytest

from motcua.agencies.models import Unit
from motcua.api.models import ApiToken
from motcua.catalog import services as catalog
from tests.api.api_client import BearerClient
from tests.factories import make_version


@pytest.fixture
def commune_b_center(province):
    return Unit.objects.create(
        code="000.01.32.H99",
        name="Trung tâm Phục vụ hành chính công xã Yên Mô",
        level="commune",
        kind="service_center",
        parent=province["commune_b"],
        one_stop=True,
    )


@pytest.fixture
def procedure(province, decision):
    """3 working days: desk 4 h → specialist 12 h → head 4 h → desk 4 h (return)."""
    version = make_version(
        days=3,
        steps=[("RECEIVER", "@receiving", 4), ("SPECIALIST", "@competent", 12),
               ("HEAD", "@competent", 4), ("RECEIVER", "@receiving", 4)],
        units=[province["commune_a"], province["commune_b"]],
    )  # fmt: skip
    return catalog.publish(version, decision)


@pytest.fixture
def people(province, commune_b_center, make_official):
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
        "receiver_b": make_official("tiepnhan.b", "RECEIVER", commune_b_center),
        "admin": make_official("quantri", "PROVINCE_ADMIN", province["root"]),
        "justice": make_official("chuyenvien.stp", "SPECIALIST", province["justice_div"]),
    }


@pytest.fixture
def as_user():
    """``as_user(user)``: a client acting with a fresh API token of ``user``."""

    def make(user) -> BearerClient:
        _row, token = ApiToken.issue(user, f"Kiểm thử {user.username}")
        return BearerClient(token)

    return make


@pytest.fixture
def clients(people, as_user):
    return {key: as_user(user) for key, user in people.items()}


@pytest.fixture
def dossier_body(procedure):
    """``dossier_body(unit=..., **extra)``: a counter-receipt / online-submission body."""

    def make(unit="000.01.31.H99", **extra) -> dict:
        return {
            "procedure": procedure.procedure.code,
            "receiving_unit": unit,
            "applicant": {
                "name": "Nguyễn Thị Ngọc Ánh",
                "id_number": "037190000123",
                "address": "Thôn Đông, xã Gia Viễn",
                "phone": "0912345678",
                "email": "anh.nguyen@example.vn",
            },
            "components": [{"document": 1, "form": "original"}],
            **extra,
        }

    return make
