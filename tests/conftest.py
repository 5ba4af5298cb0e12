"""Shared fixtures: a small province and a procedure built through the real services."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from motcua.agencies.models import Official, RoleAssignment, Unit
from motcua.catalog import services as catalog
from motcua.catalog.models import PublicationDecision
from tests.factories import FOUR_STEPS, make_version


@pytest.fixture
def province(db):
    """UBND tỉnh → (Trung tâm PVHCC tỉnh, Sở Tư pháp → Phòng HCTP, xã A → TTPVHCC xã A, xã B)."""
    root = Unit.objects.create(
        code="000.00.00.H99",
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        level="province",
        kind="people_committee",
    )
    units = {"root": root}

    def add(key, code, name, level, kind, parent, **extra):
        units[key] = Unit.objects.create(
            code=code, name=name, level=level, kind=kind, parent=units[parent], **extra
        )

    add(
        "center",
        "000.00.01.H99",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "department",
        "service_center",
        "root",
        one_stop=True,
    )
    add("justice", "000.00.12.H99", "Sở Tư pháp", "department", "department", "root")
    add(
        "justice_div",
        "000.01.12.H99",
        "Phòng Hành chính tư pháp",
        "division",
        "division",
        "justice",
    )
    add(
        "commune_a",
        "000.00.31.H99",
        "Ủy ban nhân dân xã Gia Viễn",
        "commune",
        "people_committee",
        "root",
    )
    add(
        "commune_a_center",
        "000.01.31.H99",
        "Trung tâm Phục vụ hành chính công xã Gia Viễn",
        "commune",
        "service_center",
        "commune_a",
        one_stop=True,
    )
    add(
        "commune_b",
        "000.00.32.H99",
        "Ủy ban nhân dân xã Yên Mô",
        "commune",
        "people_committee",
        "root",
    )
    return units


@pytest.fixture
def decision(db):
    return PublicationDecision.objects.create(
        number="100/QĐ-UBND", date="2025-07-10", level="province", published_on="2025-07-14"
    )


@pytest.fixture
def published(province, decision):
    version = make_version(units=[province["commune_a"], province["commune_b"]])
    return catalog.publish(version, decision)


@pytest.fixture
def people(province, make_official):
    """Commune A's desk, specialist and head; commune B's desk; a justice specialist."""
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
        "other_receiver": make_official("tiepnhan.b", "RECEIVER", province["commune_b"]),
        "justice": make_official("chuyenvien.stp", "SPECIALIST", province["justice_div"]),
    }


@pytest.fixture
def procedure(province, decision):
    """3 working days in four steps (FOUR_STEPS), resolved by communes A and B."""
    version = make_version(
        days=3, steps=FOUR_STEPS, units=[province["commune_a"], province["commune_b"]]
    )
    return catalog.publish(version, decision)


@pytest.fixture
def make_official(db):
    def make(username, role, unit):
        user = get_user_model().objects.create_user(username, password="pw-for-tests-only")
        official = Official.objects.create(user=user, full_name=username)
        RoleAssignment.objects.create(official=official, unit=unit, role=role)
        return user

    return make


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Tests create many accounts: PBKDF2's deliberate slowness buys nothing here. Pages
    are rendered without `collectstatic`, so static files are served unhashed."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # counters of failed attempts start from zero in every test
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium (stack.md §9): no browser download, works as root."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
