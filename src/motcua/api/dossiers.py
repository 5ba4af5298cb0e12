"""Dossier endpoints: receive, read, list, act, history, and the public tracking lookup.

Thin on purpose: every change goes through ``dossiers.services`` (one transaction, the row
locked, the transition table checked); every read goes through ``dossiers.queries`` (what
the caller may see). A dossier the caller may not see answers 404, never 403, so codes
cannot be probed.
"""

import base64
import binascii
import functools
import json
import re
from collections import namedtuple
from datetime import date, datetime, time, timedelta
from typing import Annotated

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic_core import to_json

from motcua.agencies.models import Unit
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core import attempts
from motcua.core import rows as db_rows
from motcua.core.errors import DomainError, NotFound
from motcua.core.rows import ByKeys
from motcua.dossiers import queries, references, services
from motcua.dossiers.models import (
    FINISHED,
    NATIONAL_CODE,
    ApplicantType,
    Channel,
    Component,
    ComponentForm,
    Dossier,
    Event,
    ReturnMethod,
    State,
    Verdict,
)
from motcua.dossiers.transitions import TRANSITIONS
from motcua.workdays.calendar import TZ

from .auth import official_auth
from .schemas import Error

router = Router(tags=["Hồ sơ"], auth=official_auth)
tracking_router = Router(tags=["Tra cứu hồ sơ"])

ACTIONS = sorted(services.HANDLERS)  # "submit" is the portal's, not an official's
DETAIL_RELATED = (
    "version__procedure",
    "receiving_unit",
    "competent_unit",
    "current_unit",
    "assignee",
)
# What a list row shows (``_list_item``), read by key apart from the page's keys (joining the
# units and versions into a million-row query cost more planning than finding the rows), as
# plain values: a page of 100 model instances cost more than the rest of the request. Units
# and versions come from the per-process reference cache; only the assignee is joined.
LIST_FIELDS = (
    "pk", "code", "state", "channel", "applicant_name", "version", "receiving_unit",
    "competent_unit", "current_unit", "step_order", "step_name", "step_role",
    "step_started_at", "step_due_at", "assignee__username", "received_at", "due_at",
    "rescheduled_due_at", "paused_at", "finished_at", "verdict", "apologies", "row_version",
)  # fmt: skip
assert LIST_FIELDS[5:9] == ("version", *queries.UNIT_COLUMNS)  # as _list_rows reads them
LIST_ROWS = ByKeys(Dossier.objects.order_by().values_list(*LIST_FIELDS))
ListRow = namedtuple("ListRow", [f.replace("__", "_") for f in LIST_FIELDS])
STATE_LABELS = {s.value: s.label for s in State}
NATIONAL_CODES = {s.value: NATIONAL_CODE[s] for s in NATIONAL_CODE}
# As ninja labels its answers (``NinjaAPI.get_content_type``).
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _local(value: datetime | None) -> datetime | None:
    # Vietnam's time whatever the request's active time zone (and without looking it up:
    # a list page converts hundreds of times)
    return value.astimezone(TZ) if value is not None else None


def _iso_day(value):
    """Only YYYY-MM-DD: pydantic would otherwise read ``0`` as 1970-01-01."""
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("Ngày phải theo dạng YYYY-MM-DD.")


# Times are answered in Vietnam's time (+07:00), as the documents print them.
LocalTime = Annotated[datetime, AfterValidator(_local)]
Day = Annotated[date, BeforeValidator(_iso_day)]


# --- schemas ----------------------------------------------------------------------------------


class Out(BaseModel):
    """Answers are built as dicts: plain pydantic validates them in its compiled core, where
    ninja's ``Schema`` would first wrap every nested value to read ORM objects (a third of
    a 100-row list page's time)."""


class UnitRef(Out):
    code: str
    name: str


class ProcedureRef(Out):
    code: str
    name: str
    version: int


class StepRef(Out):
    order: int | None
    name: str
    role: str
    started_at: LocalTime | None
    due_at: LocalTime | None


class ApplicantOut(Out):
    type: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    representative_name: str
    representative_id_number: str


class ComponentOut(Out):
    name: str
    form: str
    count: int
    digitized: bool
    reused: bool


class DossierSummary(Out):
    code: str
    state: State
    state_label: str
    national_code: int | None
    procedure: ProcedureRef
    channel: Channel
    applicant_name: str
    receiving_unit: UnitRef
    competent_unit: UnitRef
    current_unit: UnitRef
    step: StepRef | None
    assignee: str | None
    received_at: LocalTime | None
    due_at: LocalTime | None = Field(
        None, description="Ngày hẹn trả, đã lùi theo thời gian tạm dừng (bổ sung, nghĩa vụ "
        "tài chính)."
    )  # fmt: skip
    rescheduled_due_at: LocalTime | None = Field(
        None, description="Ngày hẹn trả lại sau văn bản xin lỗi (nếu có)."
    )
    finished_at: LocalTime | None
    overdue: bool
    needs_apology: bool = Field(
        ..., description="Sắp đến hạn hoặc quá hạn mà chưa có văn bản xin lỗi, hẹn lại."
    )
    row_version: int = Field(
        ..., description="Gửi lại giá trị này trong `version` khi thao tác trên hồ sơ."
    )


class DossierOut(DossierSummary):
    applicant: ApplicantOut
    summary: str
    submitted_at: LocalTime | None
    original_due_at: LocalTime | None = Field(
        None, description="Ngày hẹn trả ghi trên Giấy tiếp nhận (dùng để thống kê)."
    )
    paused_at: LocalTime | None
    returned_at: LocalTime | None
    verdict: Verdict | None
    return_method: ReturnMethod
    return_address: str
    supplement_requests: int
    apologies: int
    fee_total: int
    paid_online: bool
    e_result: bool
    result_number: str
    components: list[ComponentOut]
    available_actions: list[str] = Field(
        ..., description="Các thao tác người gọi được thực hiện lúc này."
    )


class DossierList(Out):
    items: list[DossierSummary]
    next: str | None = Field(
        None,
        description="Con trỏ trang sau: gửi lại trong tham số `cursor`; null là hết danh sách.",
    )


class EventOut(Out):
    seq: int
    at: LocalTime
    action: str
    label: str
    actor_name: str
    role: str
    unit: UnitRef | None
    from_state: str
    to_state: str
    step_order: int | None
    step_name: str
    to_step_order: int | None
    to_unit: UnitRef | None
    note: str
    verdict: str
    due_before: LocalTime | None
    due_after: LocalTime | None
    step_due: LocalTime | None
    data: dict


class ApplicantIn(Schema):
    type: ApplicantType = ApplicantType.CITIZEN
    name: str = Field(..., max_length=255)
    id_number: str = Field(
        ..., max_length=20, description="Số định danh cá nhân (12 chữ số) hoặc mã số thuế."
    )
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    representative_name: str = Field("", max_length=255)
    representative_id_number: str = Field("", max_length=20)


class ComponentIn(Schema):
    document: int = Field(..., description="Số thứ tự giấy tờ trong danh mục của thủ tục.")
    form: ComponentForm = ComponentForm.ORIGINAL
    count: int = Field(1, ge=1, le=100)
    digitized: bool = False
    reused: bool = False


class DossierIn(Schema):
    procedure: str = Field(..., description="Mã thủ tục hành chính, ví dụ 1.001193.")
    receiving_unit: str = Field(..., description="Mã định danh Bộ phận Một cửa tiếp nhận.")
    competent_unit: str | None = Field(
        None, description="Mã cơ quan giải quyết; bỏ trống: cơ quan thực hiện của nơi tiếp nhận."
    )
    applicant: ApplicantIn
    components: list[ComponentIn] = []
    return_method: ReturnMethod = ReturnMethod.DESK
    return_address: str = Field("", max_length=500)
    summary: str = Field("", max_length=1000)


class ActionIn(Schema):
    version: int = Field(..., description="`row_version` của hồ sơ mà người gọi đã xem.")
    reason: str | None = Field(None, description="Lý do (bắt buộc với một số thao tác).")
    note: str | None = None
    items: list[str] | None = Field(None, description="Giấy tờ cần bổ sung.")
    assignee: str | None = Field(None, description="Tên đăng nhập của cán bộ được giao.")
    to_step: int | None = Field(None, description="Bước trả lại (send_back).")
    to_unit: str | None = Field(None, description="Mã đơn vị nhận liên thông (transfer).")
    hours: float | None = Field(None, description="Số giờ làm việc cho đơn vị liên thông.")
    acknowledge_late: bool | None = Field(
        None, description="Xác nhận yêu cầu bổ sung lần hai (bị tính quá hạn)."
    )
    amount: float | None = Field(None, description="Số tiền nghĩa vụ tài chính (đồng).")
    paid_online: bool | None = None
    e_result: bool | None = Field(None, description="Đã có kết quả điện tử.")
    result_number: str | None = Field(None, max_length=100)
    method: ReturnMethod | None = Field(None, description="Hình thức trả kết quả.")
    recipient: str | None = Field(None, max_length=255)
    tracking_number: str | None = Field(None, max_length=100)
    new_due: datetime | None = Field(None, description="Ngày hẹn trả mới (apologize).")


class DossierFilter(Schema):
    state: list[State] | None = Field(None, description="Lặp lại để lọc nhiều trạng thái.")
    unit: str | None = Field(
        None,
        description="Mã đơn vị: hồ sơ tiếp nhận, giải quyết hoặc đang xử lý tại đơn vị này "
        "hoặc đơn vị cấp dưới.",
    )
    procedure: str | None = Field(None, description="Mã thủ tục.")
    received_from: Day | None = None
    received_to: Day | None = Field(None, description="Tính cả ngày này.")
    due_from: Day | None = None
    due_to: Day | None = Field(None, description="Tính cả ngày này.")
    overdue: bool | None = Field(
        None, description="true: hồ sơ quá hạn (đang xử lý đã quá hạn, hoặc đã xong mà trễ hạn)."
    )
    q: str | None = Field(
        None,
        max_length=100,
        description="Mã hồ sơ (đầu mã), số định danh hoặc điện thoại người nộp, hoặc tên.",
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10000, description="Dùng `cursor` để đi sâu hơn.")
    cursor: str | None = Field(None, max_length=200, description="Giá trị `next` của trang trước.")


class TrackingIn(Schema):
    code: str = Field(..., max_length=60, description="Mã hồ sơ trên Giấy tiếp nhận.")
    second_factor: str = Field(
        ...,
        max_length=40,
        description="Số định danh cá nhân / mã số thuế, hoặc số điện thoại của người nộp.",
    )


class HistoryItem(Out):
    at: LocalTime
    label: str
    unit_name: str | None


class RequestedOut(Out):
    at: LocalTime
    reason: str
    items: list[str]


class TrackingOut(Out):
    code: str
    procedure_name: str
    state: State
    state_label: str
    national_code: int | None
    receiving_unit_name: str
    received_at: LocalTime | None
    due_at: LocalTime | None
    rescheduled_due_at: LocalTime | None
    finished_at: LocalTime | None
    returned_at: LocalTime | None
    history: list[HistoryItem]
    requested_of_applicant: RequestedOut | None = Field(
        None, description="Nội dung cần bổ sung, hoàn thiện (khi hồ sơ đang chờ bổ sung)."
    )


ANSWERS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


# --- creating ---------------------------------------------------------------------------------


@router.post(
    "",
    response={201: DossierOut, **ANSWERS},
    summary="Tiếp nhận hồ sơ tại Bộ phận Một cửa",
)
def receive_at_counter(request, body: DossierIn):
    """Hồ sơ nộp trực tiếp (hoặc qua bưu chính) được cán bộ tiếp nhận: trạng thái
    RECEIVED, có mã hồ sơ và ngày hẹn trả. Người gọi phải có vai trò tiếp nhận tại
    `receiving_unit`. Lỗi 422 có `code` ổn định, ví dụ `invalid_id_number`,
    `invalid_tax_code`, `components_missing`, `unknown_procedure`, `unknown_document`."""
    unit, intake = _intake(body)
    dossier = services.receive_at_counter(request.auth, unit, intake)
    return Status(201, _detail(dossier, request.auth))  # its units and version are at hand


@router.post(
    "/online",
    response={200: DossierOut, 201: DossierOut, **ANSWERS},
    summary="Nộp hồ sơ trực tuyến",
)
def submit_online(
    request,
    body: DossierIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description="Khóa chống gửi trùng (nên dùng UUID). Gửi lại cùng khóa trả về hồ sơ "
        "đã tạo (200) thay vì tạo hồ sơ mới.",
    ),
):
    """Hồ sơ trực tuyến của người gọi: trạng thái SUBMITTED (chờ tiếp nhận), có mã ngay.
    Lần đầu trả 201; gửi lại cùng `Idempotency-Key` (bấm hai lần, thử lại) trả 200 với
    chính hồ sơ đó. Khóa đã dùng cho tài khoản khác: 409 `idempotency_key_reused`."""
    unit, intake = _intake(body)
    now = timezone.now()
    dossier = services.submit_online(
        request.auth, unit, intake, idempotency_key=idempotency_key, now=now
    )
    if dossier.submitted_at == now:
        return Status(201, _detail(dossier, request.auth))
    return Status(200, _detail(_reload(dossier), request.auth))  # a replay: the earlier one


def _intake(body: DossierIn) -> tuple[Unit, services.Intake]:
    procedure = _procedure(body.procedure)
    if procedure is None:
        raise DomainError(
            f"Không có thủ tục mã «{body.procedure}».", code="unknown_procedure",
            field="procedure",
        )  # fmt: skip
    version = procedure.current_version
    if version is None:
        raise DomainError(
            f"Thủ tục {procedure.code} chưa được công bố; chưa tiếp nhận hồ sơ.",
            code="procedure_not_accepting",
            field="procedure",
        )
    version.procedure = procedure  # read by the service and the answer: no second query
    units = _units(receiving_unit=body.receiving_unit, competent_unit=body.competent_unit)
    receiving, competent = units["receiving_unit"], units.get("competent_unit")
    intake = services.Intake(
        version=version,
        applicant=body.applicant.model_dump(mode="json"),
        components=_components(version, body.components),
        competent_unit=competent,
        return_method=body.return_method,
        return_address=body.return_address,
        summary=body.summary,
    )
    return receiving, intake


# A receipt's two lookups, written out (as the caller's, api.models): Django took longer to
# build these statements, with every column of a procedure, its version and a unit, than the
# database took to answer them.


def _procedure(code: str) -> Procedure | None:
    """The procedure with this code and its current version (None if not yet published)."""
    found = db_rows.run(_procedure_statement(), [code])
    if not found:
        return None
    found = found[0]
    split = len(Procedure._meta.concrete_fields)
    procedure = db_rows.load(Procedure, found[:split])
    version = db_rows.load(ProcedureVersion, found[split:]) if found[split] is not None else None
    procedure.current_version = version
    return procedure


@functools.cache
def _procedure_statement() -> str:
    procedures, versions = Procedure._meta.db_table, ProcedureVersion._meta.db_table
    return f"""
        SELECT {db_rows.columns(Procedure, "p")}, {db_rows.columns(ProcedureVersion, "v")}
        FROM {procedures} p LEFT JOIN {versions} v ON v.id = p.current_version_id
        WHERE p.code = %s"""


def _units(**codes: str | None) -> dict[str, Unit]:
    """The active units named by ``codes`` (field → code), in one query; unknown → 422."""
    wanted = {field: code for field, code in codes.items() if code}
    if not wanted:
        return {}
    statement = (
        f"SELECT {db_rows.columns(Unit, 'u')} FROM {Unit._meta.db_table} u "
        f"WHERE u.code IN ({', '.join(['%s'] * len(wanted))}) AND u.active"
    )
    rows = db_rows.run(statement, list(wanted.values()))
    found = {u.code: u for u in (db_rows.load(Unit, row) for row in rows)}
    for field, code in wanted.items():
        if code not in found:
            raise DomainError(
                f"Không có cơ quan, đơn vị mã «{code}».", code="unknown_unit", field=field
            )
    return {field: found[code] for field, code in wanted.items()}


def _components(version: ProcedureVersion, given: list[ComponentIn]) -> list[dict]:
    """The body names documents by their order in the procedure's list; services by key."""
    by_order = {d.order: d.pk for d in services.parts(version).documents.values()}
    found = []
    for i, c in enumerate(given):
        if c.document not in by_order:
            raise DomainError(
                f"Thủ tục không có thành phần hồ sơ số {c.document}.",
                code="unknown_document",
                field=f"components.{i}.document",
            )
        found.append({**c.model_dump(mode="json"), "document": by_order[c.document]})
    return found


# --- reading ----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: DossierList, 401: Error, 403: Error, 422: Error},
    summary="Danh sách hồ sơ",
)
def list_dossiers(request, filters: Query[DossierFilter]):
    """Hồ sơ người gọi được xem (theo vai trò và đơn vị), sắp xếp theo ngày hẹn trả (gần
    nhất trước; hồ sơ chưa có hạn ở cuối).

    Phân trang bằng con trỏ, không đếm tổng số (để nhanh với hàng triệu hồ sơ): trang sau
    lấy bằng `cursor=<next>`; `next` là null khi hết. `offset` chỉ dùng cho vài trang đầu."""
    now = timezone.now()
    qs = _filtered(Dossier.objects.all(), filters, now)
    if filters.cursor:
        qs = qs.filter(_after(*_decode_cursor(filters.cursor)))
    wanted = filters.offset + filters.limit + 1
    rows = _list_rows(queries.first_visible(request.auth, qs, wanted)[filters.offset :])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    times = _Times()
    page = {
        "items": [_list_item(r, now, times) for r in rows],
        "next": _encode_cursor(rows[-1]) if more else None,
    }
    # Already in DossierList's shape, with JSON's values: checking 100 rows against the
    # schema again cost a third of the page (the tests check the answer against the schema
    # and the OpenAPI document instead), and pydantic's encoder is 3-4 times as fast as json's.
    return HttpResponse(to_json(page), content_type=JSON_CONTENT_TYPE)


@router.get(
    "/{code}",
    response={200: DossierOut, 401: Error, 403: Error, 404: Error},
    summary="Chi tiết hồ sơ",
)
def get_dossier(request, code: str):
    """Hồ sơ mà người gọi được xem; không được xem thì trả 404 như hồ sơ không tồn tại."""
    return _detail(_visible(request, code), request.auth)


@router.get(
    "/{code}/events",
    response={200: list[EventOut], 401: Error, 403: Error, 404: Error},
    summary="Quá trình xử lý hồ sơ",
)
def list_events(request, code: str):
    """Nhật ký xử lý (mỗi thay đổi một dòng, theo thứ tự): ai, lúc nào, ở đâu, từ trạng
    thái nào sang trạng thái nào, bước, ghi chú, kết quả bàn giao đúng/trễ hạn."""
    dossier = _visible(request, code)
    events = Event.objects.filter(dossier=dossier).select_related("unit", "to_unit")
    return [_event(e) for e in events.order_by("seq")]


# --- acting -----------------------------------------------------------------------------------


# What each action reads from the body besides `version` (the services ignore the rest).
ACTION_PARAMS = {
    "receive": "",
    "request_intake_supplement": "reason, items",
    "refuse": "reason",
    "resubmit": "note",
    "assign": "assignee",
    "forward": "assignee (tùy chọn), note",
    "send_back": "to_step, reason",
    "transfer": "to_unit, hours, reason, assignee (tùy chọn)",
    "request_supplement": "reason, items, acknowledge_late (lần thứ hai)",
    "complete_supplement": "note",
    "lapse_supplement": "reason",
    "request_payment": "reason, amount",
    "confirm_payment": "paid_online, note",
    "not_eligible": "reason",
    "resolve": "e_result, result_number, note",
    "return_result": "method, recipient (trả tại quầy), tracking_number (bưu chính)",
    "withdraw": "reason",
    "apologize": "reason, new_due",
}
assert set(ACTION_PARAMS) == set(ACTIONS)


def _act_description() -> str:
    rows = "\n".join(
        f"- `{a}`: {TRANSITIONS[a].label}"
        + (f" — {ACTION_PARAMS[a]}" if ACTION_PARAMS[a] else "")
        + (" (bắt buộc có lý do)" if TRANSITIONS[a].needs_reason else "")
        for a in ACTIONS
    )
    return (
        "Thực hiện một thao tác của bảng chuyển trạng thái; `available_actions` của hồ sơ "
        "cho biết người gọi được làm gì lúc này.\n\n" + rows + "\n\n"
        "Gửi kèm `version` = `row_version` đã xem: nếu hồ sơ đã thay đổi từ lúc đó (người "
        "khác vừa xử lý) thì trả 409 `dossier_changed` và không thay đổi gì. Các lỗi khác: "
        "404 `unknown_action`, 409 `illegal_transition`, 403 `forbidden` / "
        "`assigned_to_another`, 422 `reason_required`, `invalid_step`, `invalid_assignee`, "
        "`e_result_required`, … Trả về hồ sơ sau thao tác."
    )


@router.post(
    "/{code}/actions/{action}",
    response={200: DossierOut, **ANSWERS},
    summary="Thao tác trên hồ sơ",
    description=_act_description(),
)
def act(request, code: str, action: str, body: ActionIn):
    if action not in services.HANDLERS:
        raise NotFound(f"Không có thao tác «{action}».", code="unknown_action")
    dossier = _visible(request, code)
    params = body.model_dump(exclude_none=True)
    expected = params.pop("version")
    if "assignee" in params:
        params["assignee"] = _official(params["assignee"])
    dossier = services.act(dossier, action, request.auth, expected_version=expected, **params)
    return _detail(_reload(dossier), request.auth)


def _official(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(
            f"Không có cán bộ «{username}».", code="invalid_assignee", field="assignee"
        )
    return user


# --- public tracking --------------------------------------------------------------------------


@tracking_router.post(
    "",
    response={200: TrackingOut, 400: Error, 404: Error, 422: Error, 429: Error},
    summary="Tra cứu tình trạng hồ sơ",
)
def track(request, body: TrackingIn):
    """Công khai, không cần đăng nhập: mã hồ sơ và số định danh / mã số thuế hoặc số điện
    thoại của người nộp. Sai mã hay sai thông tin xác minh đều trả cùng một lỗi 404, để mã
    hồ sơ không tiết lộ gì. Dùng POST để số định danh không nằm trong địa chỉ (URL), nhật
    ký máy chủ. Không trả thông tin cá nhân, tên cán bộ hay ghi chú nội bộ. Sau 20 lần (mặc định)
    tra cứu sai trong 10 phút với cùng một mã hồ sơ hoặc từ cùng một địa chỉ, trả 429
    `too_many_attempts` cho đến hết khoảng thời gian đó."""
    d = queries.track(body.code, body.second_factor, client=attempts.client_address(request))
    events = queries.history(d)
    return {
        "code": d.code,
        "procedure_name": d.version.name,
        "state": d.state,
        "state_label": State(d.state).label,
        "national_code": d.national_code,
        "receiving_unit_name": d.receiving_unit.name,
        "received_at": d.received_at,
        "due_at": d.due_at,
        "rescheduled_due_at": d.rescheduled_due_at,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "history": [
            {"at": e.at, "label": _label(e.action), "unit_name": e.unit.name if e.unit else None}
            for e in events
        ],
        "requested_of_applicant": _requested(d, events),
    }


def _requested(d: Dossier, events: list[Event]) -> dict | None:
    """What the applicant must still hand in: the open supplement request, if any."""
    if not events:
        return None
    last = events[-1]
    if d.state == State.WAITING_SUPPLEMENT:
        asked = next((e for e in reversed(events) if e.action == "request_supplement"), None)
    elif d.state == State.SUBMITTED and last.action == "request_intake_supplement":
        asked = last
    else:
        return None
    if asked is None:
        return None
    return {"at": asked.at, "reason": asked.note, "items": list(asked.data.get("items", []))}


# --- helpers ----------------------------------------------------------------------------------


def _visible(request, code: str) -> Dossier:
    if "\x00" in code:  # PostgreSQL text cannot hold NUL: no such code
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    dossier = (
        queries.visible_to(request.auth).select_related(*DETAIL_RELATED).filter(code=code).first()
    )
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    return dossier


def _list_rows(keys: list[int]) -> list[ListRow]:
    """The rows of ``keys``, in their order, with their units and versions in place of keys."""
    found = {values[0]: values for values in LIST_ROWS(keys)}
    units = references.units({pk for values in found.values() for pk in values[6:9]})
    versions = references.versions({values[5] for values in found.values()})
    return [_list_row(found[k], units, versions) for k in keys]


def _list_row(values: tuple, units: dict, versions: dict) -> ListRow:
    pk, code, state, channel, name, version, receiving, competent, current, *rest = values
    return ListRow(pk, code, state, channel, name, versions[version],
                   units[receiving], units[competent], units[current], *rest)  # fmt: skip


def _reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(*DETAIL_RELATED).get(pk=dossier.pk)


def _filtered(qs: QuerySet, f: DossierFilter, now: datetime) -> QuerySet:
    """Narrow first, each condition on an indexed column where one exists."""
    if f.state:
        qs = qs.filter(state__in=f.state)
    if f.unit:
        qs = qs.filter(queries.under(_units(unit=f.unit)["unit"].path))
    if f.procedure:
        versions = ProcedureVersion.objects.filter(procedure__code=f.procedure).values("pk")
        qs = qs.filter(version__in=versions)
    qs = _day_range(qs, "received_at", f.received_from, f.received_to)
    qs = _day_range(qs, "due_at", f.due_from, f.due_to)
    if f.overdue is not None:
        qs = qs.filter(_overdue(now)) if f.overdue else qs.exclude(_overdue(now))
    if f.q:
        qs = qs.filter(_search(f.q.strip()))
    return qs


def _day_range(qs: QuerySet, column: str, start: date | None, end: date | None) -> QuerySet:
    if start:
        qs = qs.filter(**{f"{column}__gte": datetime.combine(start, time.min, TZ)})
    if end:
        qs = qs.filter(**{f"{column}__lt": datetime.combine(end + timedelta(days=1), time.min, TZ)})
    return qs


def _overdue(now: datetime) -> Q:
    """The same rule as ``services.is_overdue``: open and past due (not paused), or finished
    late."""
    running = Q(due_at__lt=now, paused_at__isnull=True) & ~Q(state__in=FINISHED)
    finished_late = Q(state__in=FINISHED, verdict=Verdict.LATE, paused_at__isnull=True)
    return (running | finished_late) & Q(due_at__isnull=False)


def _search(text: str) -> Q:
    """A code prefix, an identity number or phone (exact), otherwise a name fragment."""
    if "-" in text or "." in text:
        return Q(code__startswith=text)
    digits = text.replace(" ", "")
    if digits.isdigit():
        return Q(applicant_id_number=digits) | Q(applicant_phone=digits)
    return Q(applicant_name__icontains=text)


def _after(due: datetime | None, pk: int) -> Q:
    """Rows after (due, pk) in the list's order (due date, missing dates last, then key)."""
    if due is None:
        return Q(due_at__isnull=True, pk__gt=pk)
    return Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk) | Q(due_at__isnull=True)


def _encode_cursor(d: Dossier) -> str:
    raw = json.dumps([d.due_at.isoformat() if d.due_at else None, d.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        due, pk = json.loads(raw)
        return (datetime.fromisoformat(due) if due else None), int(pk)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise DomainError(
            "Con trỏ trang không hợp lệ; hãy dùng giá trị `next` của trang trước.",
            code="invalid_cursor",
            field="cursor",
        ) from None


def _label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return t.label if t else action


def _unit_ref(unit: Unit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit else None


def _summary(d: Dossier, now: datetime) -> dict:
    version = d.version
    return {
        "code": d.code,
        "state": d.state,
        "state_label": State(d.state).label,
        "national_code": d.national_code,
        "procedure": {"code": version.procedure.code, "name": version.name,
                      "version": version.number},
        "channel": d.channel,
        "applicant_name": d.applicant_name,
        "receiving_unit": _unit_ref(d.receiving_unit),
        "competent_unit": _unit_ref(d.competent_unit),
        "current_unit": _unit_ref(d.current_unit),
        "step": None if d.step_order is None else {
            "order": d.step_order, "name": d.step_name, "role": d.step_role,
            "started_at": d.step_started_at, "due_at": d.step_due_at,
        },
        "assignee": d.assignee.get_username() if d.assignee_id else None,
        "received_at": d.received_at,
        "due_at": d.due_at,
        "rescheduled_due_at": d.rescheduled_due_at,
        "finished_at": d.finished_at,
        "overdue": services.is_overdue(d, now),
        "needs_apology": services.needs_apology(d, now),
        "row_version": d.row_version,
    }  # fmt: skip


def _list_item(r: ListRow, now: datetime, times: "_Times") -> dict:
    """``_summary`` of a list row, in JSON's values (tests check the two agree)."""
    step = None
    if r.step_order is not None:
        step = {
            "order": r.step_order,
            "name": r.step_name,
            "role": r.step_role,
            "started_at": times[r.step_started_at],
            "due_at": times[r.step_due_at],
        }
    return {
        "code": r.code,
        "state": r.state,
        "state_label": STATE_LABELS[r.state],
        "national_code": NATIONAL_CODES.get(r.state),
        "procedure": r.version,
        "channel": r.channel,
        "applicant_name": r.applicant_name,
        "receiving_unit": r.receiving_unit.answer,
        "competent_unit": r.competent_unit.answer,
        "current_unit": r.current_unit.answer,
        "step": step,
        "assignee": r.assignee_username,
        "received_at": times[r.received_at],
        "due_at": times[r.due_at],
        "rescheduled_due_at": times[r.rescheduled_due_at],
        "finished_at": times[r.finished_at],
        "overdue": services.is_overdue(r, now),
        "needs_apology": services.needs_apology(r, now),
        "row_version": r.row_version,
    }  # fmt: skip


class _Times(dict):
    """``_json_time`` for one page, each moment written once: the page is sorted by due date,
    which its rows share, and a finished dossier's last step started when it finished."""

    def __missing__(self, value: datetime | None) -> str | None:
        text = self[value] = _json_time(value)
        return text


def _json_time(value: datetime | None) -> str | None:
    """A ``LocalTime`` as the answer carries it: in Vietnam's time, to the millisecond, as
    Django's JSON encoder (ninja's renderer) writes a datetime."""
    if value is None:
        return None
    text = value.astimezone(TZ).isoformat()
    return text[:23] + text[26:] if value.microsecond else text


def _detail(d: Dossier, user) -> dict:
    return {
        **_summary(d, timezone.now()),
        "applicant": {
            "type": d.applicant_type,
            "name": d.applicant_name,
            "id_number": d.applicant_id_number,
            "phone": d.applicant_phone,
            "email": d.applicant_email,
            "address": d.applicant_address,
            "representative_name": d.representative_name,
            "representative_id_number": d.representative_id_number,
        },
        "summary": d.summary,
        "submitted_at": d.submitted_at,
        "original_due_at": d.original_due_at,
        "paused_at": d.paused_at,
        "returned_at": d.returned_at,
        "verdict": d.verdict or None,
        "return_method": d.return_method,
        "return_address": d.return_address,
        "supplement_requests": d.supplement_requests,
        "apologies": d.apologies,
        "fee_total": int(d.fee_total),
        "paid_online": d.paid_online,
        "e_result": d.e_result,
        "result_number": d.result_number,
        "components": [_component(c) for c in d.components.all()],  # a receipt's: at hand
        "available_actions": [t.action for t in services.available_actions(d, user)],
    }


def _component(c: Component) -> dict:
    return {"name": c.name, "form": c.form, "count": c.count, "digitized": c.digitized,
            "reused": c.reused}  # fmt: skip


def _event(e: Event) -> dict:
    return {
        "seq": e.seq,
        "at": e.at,
        "action": e.action,
        "label": _label(e.action),
        "actor_name": e.actor_name,
        "role": e.role,
        "unit": _unit_ref(e.unit),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "step_order": e.step_order,
        "step_name": e.step_name,
        "to_step_order": e.to_step_order,
        "to_unit": _unit_ref(e.to_unit),
        "note": e.note,
        "verdict": e.verdict,
        "due_before": e.due_before,
        "due_after": e.due_after,
        "step_due": e.step_due,
        "data": e.data,
    }
