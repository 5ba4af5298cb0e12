import pytest

from motcua.catalog import services as catalog
from tests.factories import make_version


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
