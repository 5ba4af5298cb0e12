"""Working-day calendar endpoints: deadlines and working-day counts on the province calendar."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator, WithJsonSchema

from motcua.workdays import services

from .schemas import Error

router = Router(tags=["Lịch làm việc"])


class DeadlineOut(Schema):
    due: datetime
    start: datetime
    value: Decimal | None
    unit: str
    label: str
    hour_mode: bool
    # A wall-clock time in Vietnam ("15:00:00"), not an RFC 3339 time with an offset.
    cutoff: Annotated[
        time | None,
        WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$"},
                                  {"type": "null"}]}),
    ]  # fmt: skip
    appointment: str


class WorkingDaysOut(Schema):
    count: int
    from_date: date = Field(..., alias="from")
    to_date: date = Field(..., alias="to")


def _modern(moment: datetime) -> datetime:
    # Before 1900 the zone database gives Vietnam's local mean time (+07:06:30), which is
    # not a valid RFC 3339 offset; no dossier is that old.
    if not 1900 <= moment.year <= 2199:
        raise ValueError("Năm phải từ 1900 đến 2199.")
    return moment


class DeadlineQuery(Schema):
    start: Annotated[datetime, AfterValidator(_modern)] = Field(
        ...,
        description="Thời điểm tiếp nhận hồ sơ, ISO 8601; không ghi múi giờ thì hiểu là giờ "
        "Việt Nam (+07:00).",
    )
    working_days: Decimal | None = Field(
        None, description="Số ngày làm việc (1–365; số lẻ như 0.5 tính theo giờ: 4 giờ)."
    )
    days: int | None = Field(None, description="Số ngày lịch (1–730), Bộ luật Dân sự Điều 147–148.")
    working_hours: Decimal | None = Field(None, description="Số giờ làm việc (tối đa 2920).")
    same_day: bool = Field(False, description="Thủ tục giải quyết trong ngày.")
    cutoff: time | None = Field(
        None, description="Trong ngày: giờ tiếp nhận muộn nhất, mặc định 15:00."
    )
    hour_mode: bool = Field(
        False, description="Ngày làm việc tính theo giờ từ lúc tiếp nhận (8 giờ/ngày)."
    )
    unit: str | None = Field(None, description="Mã định danh đơn vị có giờ làm việc riêng.")


class WorkingDaysQuery(Schema):
    from_date: date = Field(..., alias="from", description="Từ ngày (tính cả ngày này).")
    to_date: date = Field(..., alias="to", description="Đến ngày (tính cả ngày này).")
    unit: str | None = Field(None, description="Mã định danh đơn vị.")


@router.get(
    "/deadline",
    response={200: DeadlineOut, 404: Error, 422: Error},
    summary="Tính hạn trả kết quả",
)
def deadline(request, q: Query[DeadlineQuery]):
    """Hạn trả kết quả theo lịch của tỉnh (R-TIME-1): cho **đúng một** loại thời hạn.

    - `working_days`: hạn là cuối giờ làm việc (17:00) của ngày làm việc thứ N sau ngày tiếp
      nhận; tiếp nhận sau giờ làm việc buổi chiều hoặc ngày nghỉ thì tính từ ngày làm việc kế
      tiếp. `hour_mode=true`: cộng 8N giờ làm việc từ lúc tiếp nhận.
    - `days`: ngày tiếp nhận không tính; ngày cuối là ngày nghỉ thì hạn là cuối ngày làm việc
      kế tiếp.
    - `working_hours`: cộng giờ trong khung giờ làm việc (07:00–11:30, 13:30–17:00).
    - `same_day=true`: cuối ngày tiếp nhận; sau giờ `cutoff` thì ngày làm việc kế tiếp.

    Lỗi 422 có `code` ổn định: `time_limit_missing`, `time_limit_ambiguous`,
    `time_limit_not_positive`, `time_limit_too_large`, `time_limit_fraction`.
    """
    answer = services.deadline(
        q.start,
        working_days=q.working_days,
        days=q.days,
        working_hours=q.working_hours,
        same_day=q.same_day,
        cutoff=q.cutoff,
        hour_mode=q.hour_mode,
        unit_code=q.unit,
    )
    return {
        "due": answer.due,
        "start": answer.start,
        "value": answer.value,
        "unit": answer.unit,
        "label": answer.label,
        "hour_mode": answer.hour_mode,
        "cutoff": answer.cutoff,
        "appointment": answer.appointment,
    }


@router.get(
    "/working-days",
    response={200: WorkingDaysOut, 404: Error, 422: Error},
    summary="Đếm số ngày làm việc",
    by_alias=True,
)
def working_days(request, q: Query[WorkingDaysQuery]):
    """Số ngày làm việc trong khoảng [from, to], tính cả hai đầu: trừ thứ Bảy, Chủ nhật, ngày
    nghỉ lễ, nghỉ bù, nghỉ hoán đổi; cộng ngày làm bù."""
    count = services.count_working_days(q.from_date, q.to_date, q.unit)
    return {"count": count, "from": q.from_date, "to": q.to_date}
