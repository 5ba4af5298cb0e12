import pytest

from motcua.catalog import services as catalog
from tests.factories import make_version


@pytest.fixture
def people(province, make_official):
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
        "other_receiver": make_official("tiepnhan.b", "RECEIVER", province["commune_b"]),
        "justice": make_official("chuyenvien.stp", "SPECIALIST", province["justice_div"]),
    }


@pytest.fixture
def procedure(province, decision):
    """3 working days: desk 4 h → specialist 12 h → head 4 h → desk 4 h (return)."""
    version = make_version(
        days=3,
        steps=[
            ("RECEIVER", "@receiving", 4),
            ("SPECIALIST", "@competent", 12),
            ("HEAD", "@competent", 4),
            ("RECEIVER", "@receiving", 4),
        ],
        units=[province["commune_a"], province["commune_b"]],
    )
    return catalog.publish(version, decision)


@pytest.fixture
def long_procedure(province, decision):
    version = make_version(
        code="1.000894",
        name="Đăng ký kết hôn",
        days=10,
        steps=[
            ("RECEIVER", "@receiving", 4),
            ("SPECIALIST", "@competent", 68),
            ("HEAD", "@competent", 8),
        ],
        units=[province["commune_a"]],
    )
    return catalog.publish(version, decision)
