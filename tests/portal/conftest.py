"""Fixtures for the citizen portal: a citizen with an account, an online procedure, the
officials who handle its dossiers, and small files of each kind."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from motcua.accounts.models import Profile
from motcua.catalog import services as catalog
from motcua.catalog.models import RequiredDocument
from motcua.portal import notifications
from tests.factories import make_version

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CITIZEN = {
    "name": "Nguyễn Thị Ngọc Ánh",
    "id_number": "037190000123",
    "phone": "0912345678",
    "email": "anh.nguyen@example.vn",
    "address": "Thôn Đông, xã Gia Viễn",
}


def make_citizen(username="037190000123", **extra):
    data = {**CITIZEN, "id_number": username, **extra}
    user = get_user_model().objects.create_user(
        username, email=data["email"], password="mat-khau-thu-nghiem"
    )
    Profile.objects.create(
        user=user, kind="citizen", name=data["name"], id_number=data["id_number"],
        phone=data["phone"], address=data["address"],
    )  # fmt: skip
    return user


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def online_procedure(province, decision):
    """Đăng ký khai sinh, toàn trình: a declaration and a birth certificate (reusable from
    the repository), 3 working days: desk → specialist → head → desk."""
    version = make_version(
        days=3,
        steps=[("RECEIVER", "@receiving", 4), ("SPECIALIST", "@competent", 12),
               ("HEAD", "@competent", 4), ("RECEIVER", "@receiving", 4)],
        units=[province["commune_a"], province["commune_b"]],
    )  # fmt: skip
    version.online_level = "FULL"
    version.full_online_eligible = True
    version.save()
    RequiredDocument.objects.create(version=version, order=2, name="Giấy chứng sinh", reusable=True)
    return catalog.publish(version, decision)


@pytest.fixture
def officials(province, make_official):
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    """The tracking throttle counts in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "memory"
    notifications.MemorySmsBackend.outbox.clear()
    return notifications.MemorySmsBackend.outbox
