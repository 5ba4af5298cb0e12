"""Dossiers built through the real services, for printing their forms."""

from decimal import Decimal

import pytest

from motcua.agencies.models import Unit
from motcua.catalog import services as catalog
from motcua.catalog.models import Fee
from motcua.dossiers import services
from tests.factories import FOUR_STEPS, at, intake, make_version


@pytest.fixture
def people(province, make_official):
    Unit.objects.filter(pk=province["commune_a_center"].pk).update(phone="0229 3868 686")
    return {
        "receiver": make_official("tiepnhan", "RECEIVER", province["commune_a_center"]),
        "specialist": make_official("chuyenvien", "SPECIALIST", province["commune_a"]),
        "head": make_official("lanhdao", "HEAD", province["commune_a"]),
        "center_receiver": make_official("tiepnhan.tinh", "RECEIVER", province["center"]),
    }


@pytest.fixture
def procedure(province, decision):
    """3 working days: desk 4 h → specialist 12 h → head 4 h → desk 4 h (return); a fee."""
    version = make_version(
        days=3,
        steps=FOUR_STEPS,
        units=[province["commune_a"], province["commune_b"]],
    )  # fmt: skip
    for order, name in enumerate(["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Phê duyệt kết quả",
                                  "Trả kết quả"], start=1):  # fmt: skip
        version.steps.filter(order=order).update(name=name)
    Fee.objects.create(version=version, kind="LE_PHI", name="Lệ phí đăng ký khai sinh",
                       amount=Decimal(8000))  # fmt: skip
    return catalog.publish(version, decision)


@pytest.fixture
def receive(procedure, people, province):
    def make(when: str, unit="commune_a_center", actor="receiver", **extra):
        return services.receive_at_counter(
            people[actor], province[unit], intake(procedure, **extra), now=at(when)
        )

    return make


@pytest.fixture
def lifecycle(receive, people):
    """A dossier received on ``day`` 09:00 and carried to the applicant; the hand-overs are
    on time, early, late and on time (the control slip's three verdicts)."""

    def run(day: str):
        d = receive(f"{day} 09:00")
        nxt = _next_day(day)
        steps = [
            ("forward", "receiver", f"{day} 10:00", {}),  # desk due 15:00: on time
            ("assign", "head", f"{day} 10:30", {"assignee": people["specialist"]}),
            ("forward", "specialist", f"{day} 16:00", {"note": "Đủ điều kiện"}),  # early
            ("resolve", "head", f"{nxt} 11:00", {"e_result": True}),  # due 10:00: late
            ("return_result", "receiver", f"{nxt} 14:00", {"recipient": "Nguyễn Thị Ngọc Ánh"}),
        ]
        for action, who, when, params in steps:
            d = services.act(d, action, people[who], now=at(when), **params)
        return d

    return run


def _next_day(day: str) -> str:
    y, m, d = day.split("-")
    return f"{y}-{m}-{int(d) + 1:02d}"
