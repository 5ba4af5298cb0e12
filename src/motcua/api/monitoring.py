"""Monitoring endpoints: the Decision 766 index, statistics, the periodic report, and the
dossiers behind each figure — the same figures as the dashboard, for other systems.

Officials only (a bearer token or a session); a unit outside the caller's roles answers
403, an unknown unit 404, an inverted date range 422. A period with no dossiers answers
zeros and says so (``empty``, ``message``).
"""

from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from motcua.monitoring import access, drill, formulas, index, periods, statistics
from motcua.monitoring import report as reports

from .auth import official_auth
from .schemas import Error

router = Router(tags=["Giám sát, đánh giá"], auth=official_auth)
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}


class PeriodQuery(Schema):
    unit: str | None = Field(None, description="Mã định danh đơn vị; mặc định: đơn vị rộng nhất "
                             "mà tài khoản được xem.")  # fmt: skip
    from_: date | None = Field(None, alias="from", description="Ngày đầu kỳ (YYYY-MM-DD).")
    to: date | None = Field(None, description="Ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này.")
    period: str | None = Field(None, description="Hoặc một kỳ: 2026, 2026-Q1, 2026-03.")


class UnitOut(Schema):
    code: str
    name: str
    level: str


class PeriodOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    label: str


class IndicatorOut(Schema):
    id: str
    metric: str
    name: str
    numerator: float
    denominator: float
    ratio: float | None = Field(None, description="Tử số ÷ mẫu số; null khi mẫu số bằng 0 (N/A).")
    percent: float | None
    score: float
    max: float
    formula: str
    counts: str = Field(..., description="Đơn vị đếm của tử số, mẫu số: hồ sơ hoặc thủ tục.")
    inputs: dict = Field(..., description="Các số liệu đầu vào của công thức.")
    note: str


class GroupOut(Schema):
    id: str
    code: str
    name: str
    score: float
    max: float
    indicators: list[IndicatorOut]


class RankRow(Schema):
    code: str
    name: str
    total: float
    rank: int
    received: int


class RankingOut(Schema):
    level: str
    position: int | None = Field(None, description="Thứ hạng của đơn vị (xếp hạng 1-2-2-4).")
    of: int
    units: list[RankRow] = Field(..., description="Các đơn vị cùng cấp mà tài khoản được xem.")


class IndexOut(Schema):
    unit: UnitOut
    period: PeriodOut
    judged_at: datetime = Field(..., description="Thời điểm đánh giá hồ sơ còn đang giải quyết.")
    formula_version: str
    total: float
    max: float
    received: int
    empty: bool
    message: str
    groups: list[GroupOut]
    ranking: RankingOut | None = None


@router.get(
    "/index",
    response={200: IndexOut, **ERRORS},
    by_alias=True,
    summary="Bộ chỉ số 766 của một đơn vị trong một kỳ",
    description="Mọi chỉ số của 6 nhóm (Quyết định 766/QĐ-TTg): tử số, mẫu số, tỷ lệ, điểm, "
    "điểm tối đa, công thức và số liệu đầu vào; tổng điểm trên 100 và thứ hạng trong các đơn vị "
    "cùng cấp (level: cấp được xếp hạng, mặc định cấp của đơn vị).",
)
def get_index(request, q: Query[PeriodQuery], level: str | None = None, rank: bool = True):
    unit = access.unit_for(request.auth, q.unit)
    period = periods.parse(q.from_, q.to, q.period)
    now = timezone.now()
    computed: dict = {}
    ranking = _ranking(request.auth, unit, period, level, now, computed) if rank else None
    result = computed.get(unit.pk) or index.compute(unit, period, now=now)
    body = result.as_dict()
    if rank:
        body["ranking"] = ranking
    return body


def _ranking(user, unit, period, level, now, computed: dict) -> dict | None:
    level = level or (unit.level if unit.parent_id else "commune")
    rows = index.ranking(level, period, now=now, results=computed, also=[unit])
    if not rows:
        return None
    visible = access.visible_units(user)
    mine = next((r["rank"] for r in rows if r["code"] == unit.code), None)
    return {
        "level": level,
        "position": mine,
        "of": len(rows),
        "units": [
            {k: r[k] for k in ("code", "name", "total", "rank", "received")}
            for r in rows
            if r["unit"].pk in visible
        ],
    }


class StatisticsOut(Schema):
    unit: UnitOut
    period: PeriodOut
    judged_at: datetime
    empty: bool
    message: str
    figures: dict = Field(..., description="Số liệu: tiếp nhận theo kênh, đã giải quyết trước/"
                          "đúng/quá hạn, đang giải quyết trong/quá hạn, trả kết quả, bổ sung, từ "
                          "chối, rút, xin lỗi, số hóa, thanh toán, đánh giá.")  # fmt: skip
    online_coverage: dict
    breakdown: list[dict] | None = None
    trend: list[dict] | None = None


@router.get(
    "/statistics",
    response={200: StatisticsOut, **ERRORS},
    by_alias=True,
    summary="Thống kê hồ sơ của một đơn vị trong một kỳ",
    description="by: unit | field | procedure | official | level (bảng chi tiết); interval: day "
    "| month | quarter | year (chuỗi thời gian).",
)
def get_statistics(
    request,
    q: Query[PeriodQuery],
    by: Literal["unit", "field", "procedure", "official", "level"] | None = None,
    interval: Literal["day", "month", "quarter", "year"] | None = None,
):
    unit = access.unit_for(request.auth, q.unit)
    period = periods.parse(q.from_, q.to, q.period)
    now = timezone.now()
    body = statistics.statistics(unit, period, now=now)
    if by:
        body["breakdown"] = [
            {k: v for k, v in row.items() if k != "unit"}
            for row in statistics.breakdown(unit, period, by, now=now)
        ]
    if interval:
        body["trend"] = statistics.trend(unit, period, interval)
    return body


@router.get(
    "/report",
    response={200: dict, **ERRORS},
    summary="Báo cáo định kỳ (JSON, Excel hoặc PDF)",
    description="Báo cáo tình hình, kết quả giải quyết TTHC: số liệu của đơn vị và từng đơn vị "
    "trực thuộc, so với kỳ trước, kèm chỉ số 766.",
)
def get_report(request, q: Query[PeriodQuery], format: Literal["json", "xlsx", "pdf"] = "json"):
    unit = access.unit_for(request.auth, q.unit)
    period = periods.parse(q.from_, q.to, q.period)
    data = reports.build(unit, period)
    if format == "json":
        import json

        return json.loads(reports.render(data, "json"))
    response = HttpResponse(
        reports.render(data, format), content_type=reports.CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(data, format)}"'
    return response


class DossierRow(Schema):
    code: str
    procedure: str
    state: str
    national_code: int | None
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    late_from: datetime | None
    receiving_unit: str
    competent_unit: str


class DossierPage(Schema):
    population: str
    label: str
    count: int
    page: int
    pages: int
    items: list[DossierRow]


@router.get(
    "/dossiers",
    response={200: DossierPage, **ERRORS},
    summary="Các hồ sơ đứng sau một số liệu (drill-down)",
    description="indicator + part (numerator | denominator) cho các chỉ số theo hồ sơ, hoặc "
    "population (received, on_time, late, resolved_late, in_progress_late, …). Chỉ trả các hồ "
    "sơ tài khoản được xem.",
)
def get_dossiers(
    request,
    q: Query[PeriodQuery],
    indicator: str | None = None,
    part: Literal["numerator", "denominator"] = "numerator",
    population: str | None = None,
    page: int = 1,
    size: int = 50,
):
    from django.core.paginator import Paginator

    from motcua.core.errors import DomainError

    unit = access.unit_for(request.auth, q.unit)
    period = periods.parse(q.from_, q.to, q.period)
    key, extra = _population(unit, period, indicator, part, population)
    judged = period.judged_at()
    qs = drill.dossiers(request.auth, unit, key, period, judged, extra)
    paginator = Paginator(qs, max(1, min(size, 500)))
    if page < 1 or (page > paginator.num_pages and paginator.count):
        raise DomainError("Trang không tồn tại.", code="invalid_page", field="page")
    items = paginator.page(min(page, paginator.num_pages)).object_list
    return {
        "population": key,
        "label": drill.label(key),
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "items": [
            {
                "code": d.code,
                "procedure": d.version.name,
                "state": d.state,
                "national_code": d.national_code,
                "received_at": d.received_at,
                "due_at": d.due_at,
                "finished_at": d.finished_at,
                "late_from": getattr(getattr(d, "fact", None), "late_from", None),
                "receiving_unit": d.receiving_unit.code,
                "competent_unit": d.competent_unit.code,
            }
            for d in items
        ],
    }


def _population(unit, period, indicator, part, population):
    from motcua.core.errors import DomainError

    if indicator:
        pair = drill.INDICATOR_POPULATIONS.get(indicator)
        if pair is None:
            raise DomainError(
                f"Chỉ số «{indicator}» không đếm theo hồ sơ (hoặc không có).",
                code="not_a_dossier_indicator",
                field="indicator",
            )
        key = pair[0] if part == "numerator" else pair[1]
        extra = {}
        if indicator == "4.6":
            extra = {"procedures": index.certified_procedure_ids(period)}
        return key, extra
    key = drill.FIGURE_POPULATIONS.get(population or "", population or "received")
    try:
        drill.population_q(key, period, period.judged_at())
    except KeyError:
        raise DomainError(
            f"Không có số liệu «{population}».", code="unknown_population", field="population"
        ) from None
    return key, {}


class FormulaOut(Schema):
    code: str
    name: str
    valid_from: date | None
    config: dict


@router.get(
    "/formulas",
    response={200: list[FormulaOut], **ERRORS},
    summary="Các phiên bản công thức chỉ số 766",
)
def get_formulas(request):
    from motcua.monitoring.models import FormulaConfig

    access.require_official(request.auth)
    rows = [
        {"code": f.code, "name": f.name, "valid_from": f.valid_from, "config": f.config}
        for f in FormulaConfig.objects.order_by("valid_from")
    ]
    if not rows:
        rows = [{"code": formulas.DEFAULT_CODE, "name": formulas.DEFAULT["name"],
                 "valid_from": None, "config": formulas.DEFAULT}]  # fmt: skip
    return rows
