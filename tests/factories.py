"""Builders for test data, going through the real models."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from motcua.catalog.models import (
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from motcua.dossiers.services import Intake

# The usual internal process of a 3-working-day procedure: desk 4 h → specialist 12 h →
# head 4 h → desk 4 h (return).
FOUR_STEPS = [
    ("RECEIVER", "@receiving", 4),
    ("SPECIALIST", "@competent", 12),
    ("HEAD", "@competent", 4),
    ("RECEIVER", "@receiving", 4),
]


def make_version(code="1.001193", name="Đăng ký khai sinh", *, days=3, steps=None, units=()):
    field, _ = Field.objects.get_or_create(code="HOTICH", defaults={"name": "Hộ tịch"})
    procedure, _ = Procedure.objects.get_or_create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        name=name,
        field=field,
        levels=["commune"],
        subject_types=["citizen"],
        time_limit_value=Decimal(days),
        time_limit_unit="WORKING_DAY",
        description="Cấp Giấy khai sinh cho trẻ em",
        result_name="Giấy khai sinh",
        online_level="PARTIAL",
    )
    version.implementing_units.set(units)
    RequiredDocument.objects.create(version=version, order=1, name="Tờ khai đăng ký khai sinh")
    total = days * 8
    for order, (role, unit, hours) in enumerate(
        steps
        or [
            ("RECEIVER", "@receiving", 4),
            ("SPECIALIST", "@competent", total - 8),
            ("HEAD", "@competent", 4),
        ],
        start=1,
    ):
        ProcessStep.objects.create(
            version=version,
            order=order,
            name=f"Bước {order}",
            role=role,
            unit_ref=unit,
            hours=hours,
        )
    return version


VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """'2026-03-02 09:00' in Vietnam's time."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


APPLICANT = {
    "name": "Nguyễn Thị Ngọc Ánh",
    "id_number": "037190000123",
    "address": "Thôn Đông, xã Gia Viễn",
    "phone": "0912345678",
    "email": "anh.nguyen@example.vn",
}


def intake(version, **extra) -> Intake:
    docs = [{"document": d.pk, "form": "original"} for d in version.documents.all()]
    return Intake(version=version, applicant=dict(APPLICANT), components=docs, **extra)
