"""The demo province: units, the catalog and one official per role where work happens.

Loading is idempotent: running it again updates what changed and keeps everything else,
so `make run` can call it every time.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from motcua.agencies.interchange import import_units
from motcua.agencies.models import Official, Role, RoleAssignment, Unit
from motcua.catalog.interchange import import_catalog
from motcua.catalog.models import ProcessStep
from motcua.core.text import vn_fold

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "motcua-demo"  # a documented demo password, not a secret


@dataclass
class Account:
    username: str
    full_name: str
    role: str
    unit: str
    level: str = ""


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = [
    "Thị Lan",
    "Văn Hùng",
    "Minh Anh",
    "Thu Hà",
    "Quốc Bảo",
    "Ngọc Ánh",
    "Đức Thắng",
    "Thanh Hương",
    "Hải Nam",
    "Phương Thảo",
    "Tuấn Kiệt",
    "Mỹ Linh",
]
TITLES = {
    Role.RECEIVER: "Công chức tiếp nhận và trả kết quả",
    Role.SPECIALIST: "Chuyên viên",
    Role.HEAD: "Trưởng phòng",
    Role.UNIT_ADMIN: "Quản trị hệ thống đơn vị",
    Role.PROVINCE_ADMIN: "Quản trị hệ thống cấp tỉnh",
    Role.LEADER_VIEWER: "Phó Chủ tịch UBND tỉnh",
}


def load_demo() -> list[Account]:
    with transaction.atomic():
        import_units(json.loads((DATA / "units.json").read_text(encoding="utf-8")))
        import_catalog(json.loads((DATA / "procedures.json").read_text(encoding="utf-8")))
        return create_officials()


def one_per_kind(accounts: list[Account]) -> list[Account]:
    """One account for each role at each level: enough to try every screen."""
    seen, picked = set(), []
    for a in accounts:
        if (a.role, a.level) not in seen:
            seen.add((a.role, a.level))
            picked.append(a)
    return picked


def slug(unit: Unit) -> str:
    name = vn_fold(unit.short_name or unit.name)
    for prefix in ("ubnd ", "uy ban nhan dan ", "trung tam phuc vu hanh chinh cong ", "ttpvhcc "):
        name = name.removeprefix(prefix)
    return "".join(ch for ch in name if ch.isalnum())[:24]


def create_officials() -> list[Account]:
    accounts: list[Account] = []
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return accounts
    accounts.append(_official("quantri", Role.PROVINCE_ADMIN, root, len(accounts)))
    accounts.append(_official("lanhdao", Role.LEADER_VIEWER, root, len(accounts)))
    for unit in Unit.objects.filter(one_stop=True).order_by("path"):
        accounts.append(_official(f"tiepnhan.{slug(unit)}", Role.RECEIVER, unit, len(accounts)))
    for unit in _resolving_units():
        accounts.append(_official(f"chuyenvien.{slug(unit)}", Role.SPECIALIST, unit, len(accounts)))
        accounts.append(_official(f"lanhdao.{slug(unit)}", Role.HEAD, unit, len(accounts)))
    return accounts


def _resolving_units():
    """Units that resolve demo procedures or act in a step of their internal process."""
    codes = set(
        ProcessStep.objects.exclude(unit_ref__startswith="@").values_list("unit_ref", flat=True)
    )
    return Unit.objects.filter(
        Q(pk__in=Unit.objects.filter(procedure_versions__isnull=False).values("pk"))
        | Q(code__in=codes)
    ).order_by("path")


def _official(username: str, role: str, unit: Unit, n: int) -> Account:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role in (Role.PROVINCE_ADMIN, Role.UNIT_ADMIN)
        user.is_superuser = role == Role.PROVINCE_ADMIN
        user.save()
    name = f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n * 7) % len(GIVEN)]}"
    official, _ = Official.objects.get_or_create(
        user=user, defaults={"full_name": name, "title": TITLES[role]}
    )
    RoleAssignment.objects.get_or_create(official=official, unit=unit, role=role)
    return Account(username, official.full_name, Role(role).label, unit.name, unit.level)
