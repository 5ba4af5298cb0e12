import pytest

from motcua.catalog import services as catalog
from motcua.catalog.models import RequiredDocument
from tests.factories import make_version


@pytest.fixture
def online(province, decision):
    """A commune procedure offered online, with three documents (one optional, one
    reusable from the citizen's repository)."""
    version = make_version(
        code="1.004222", name="Đăng ký thường trú", units=[province["commune_a"]]
    )
    RequiredDocument.objects.create(
        version=version, order=2, name="Giấy tờ chứng minh chỗ ở hợp pháp", reusable=True
    )
    RequiredDocument.objects.create(
        version=version, order=3, name="Văn bản ủy quyền", optional=True
    )
    return catalog.publish(version, decision)


@pytest.fixture
def department(province, decision):
    """A procedure of a province department (Sở Tư pháp), offered online."""
    version = make_version(
        code="2.000635", name="Cấp Phiếu lý lịch tư pháp", units=[province["justice"]]
    )
    return catalog.publish(version, decision)


@pytest.fixture
def admins(province, make_official):
    return {
        "commune": make_official("quantri.giavien", "UNIT_ADMIN", province["commune_a"]),
        "other_commune": make_official("quantri.yenmo", "UNIT_ADMIN", province["commune_b"]),
        "justice": make_official("quantri.stp", "UNIT_ADMIN", province["justice"]),
        "province": make_official("quantri.tinh", "PROVINCE_ADMIN", province["root"]),
        "receiver": make_official("tiepnhan.giavien", "RECEIVER", province["commune_a_center"]),
    }
