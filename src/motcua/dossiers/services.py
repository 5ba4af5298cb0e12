"""Every change of a dossier happens here (house rule: services own state).

Each public function runs in one transaction: it locks the dossier row, checks the
transition table (``transitions.TABLE``) and who may act, applies the change, appends its
event and returns the dossier — or raises a ``DomainError`` and changes nothing.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.agencies import scope
from motcua.agencies.models import Role, Unit
from motcua.catalog.models import (
    Fee,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepUnit,
    VersionStatus,
)
from motcua.catalog.services import accepting_dossiers
from motcua.core import rows as db_rows
from motcua.core.errors import Conflict, DomainError, Forbidden, NotFound
from motcua.workdays import deadlines
from motcua.workdays.calendar import local
from motcua.workdays.services import calendar_for

from . import insertion
from .applicants import clean_applicant
from .models import (
    FINISHED,
    Channel,
    Component,
    ComponentForm,
    Dossier,
    DossierFee,
    Event,
    ReturnMethod,
    State,
    Verdict,
)
from .rules import rule_set_at
from .signals import dossier_changed
from .transitions import TRANSITIONS, Transition, Where, allowed_from

# --- creating dossiers ------------------------------------------------------------------------


@dataclass
class Intake:
    """What an applicant hands in: the procedure, who they are, which documents, how to
    get the result back."""

    version: ProcedureVersion
    applicant: dict
    components: list[dict] = field(default_factory=list)
    competent_unit: Unit | None = None
    return_method: str = ReturnMethod.DESK
    return_address: str = ""
    summary: str = ""
    sets: int = 1


def receive_at_counter(actor, receiving_unit: Unit, intake: Intake, *, now=None) -> Dossier:
    """A walk-in (or postal) dossier received at a one-stop counter: ∅ → RECEIVED."""
    now = now or timezone.now()
    _require_role(actor, Role.RECEIVER, receiving_unit)
    with transaction.atomic():
        dossier = _new_dossier(intake, receiving_unit, Channel.DIRECT, now)
        _start_clock(dossier, now)
        event = _new_event(dossier, "receive", actor, Role.RECEIVER, receiving_unit, "", now, 1)
        _insert(dossier, intake, receiving_unit, now, event)
    return dossier


def submit_online(
    owner, receiving_unit: Unit, intake: Intake, *, idempotency_key: str | None = None, now=None
) -> Dossier:
    """An online submission: ∅ → SUBMITTED, coded at once. The same ``idempotency_key`` sent
    twice (a double click, a retry) returns the first dossier instead of a second one."""
    now = now or timezone.now()
    if idempotency_key and (found := _by_key(idempotency_key, owner)):
        return found
    if intake.version.online_level == "NONE":
        raise DomainError(
            "Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp trực tiếp.",
            code="not_offered_online",
        )
    try:
        with transaction.atomic():
            dossier = _new_dossier(intake, receiving_unit, Channel.ONLINE, now)
            dossier.state = State.SUBMITTED
            dossier.owner = owner if getattr(owner, "is_authenticated", False) else None
            dossier.submitted_at = now
            dossier.idempotency_key = idempotency_key
            event = _new_event(dossier, "submit", owner, "", None, "", now, 1)
            _insert(dossier, intake, receiving_unit, now, event)
    except IntegrityError:
        if idempotency_key and (found := _by_key(idempotency_key, owner)):
            return found
        raise
    return dossier


def _by_key(key: str, owner) -> Dossier | None:
    found = Dossier.objects.filter(idempotency_key=key).first()
    if found and found.owner_id and found.owner_id != getattr(owner, "pk", None):
        raise Conflict("Khóa chống gửi trùng đã được dùng.", code="idempotency_key_reused")
    return found


def _new_dossier(intake: Intake, receiving_unit: Unit, channel: str, now) -> Dossier:
    version = intake.version
    if not receiving_unit.one_stop:
        raise DomainError(
            f"{receiving_unit.name} không phải Bộ phận Một cửa; không tiếp nhận hồ sơ.",
            code="not_a_one_stop_unit",
            field="receiving_unit",
        )
    if version.status != "PUBLISHED" or not accepting_dossiers(version.procedure):
        raise DomainError(
            f"Thủ tục {version.procedure.code} không còn tiếp nhận hồ sơ mới "
            "(đã bị bãi bỏ hoặc thay thế).",
            code="procedure_not_accepting",
            field="procedure",
        )
    competent = intake.competent_unit or _default_competent(version, receiving_unit)
    applicant = clean_applicant(intake.applicant)
    if intake.return_method not in ReturnMethod.values:
        raise DomainError("Hình thức nhận kết quả không hợp lệ.", code="invalid_return_method")
    if intake.return_method == ReturnMethod.POST and not intake.return_address.strip():
        raise DomainError(
            "Vui lòng ghi địa chỉ nhận kết quả qua bưu chính.",
            code="return_address_required",
            field="return_address",
        )
    _check_components(version, intake.components)
    return Dossier(
        version=version,
        rule_set=rule_set_at(now).code,
        state=State.RECEIVED,
        channel=channel,
        receiving_unit=receiving_unit,
        competent_unit=competent,
        current_unit=receiving_unit,
        receiving_path=receiving_unit.path,
        competent_path=competent.path,
        current_path=receiving_unit.path,
        return_method=intake.return_method,
        return_address=intake.return_address,
        summary=intake.summary or version.name,
        sets=intake.sets,
        fee_total=sum((f.amount for f in parts(version).fees), Decimal(0)),
        **applicant.as_fields(),
    )


def _default_competent(version: ProcedureVersion, receiving_unit: Unit) -> Unit:
    """The implementing unit above or beside the desk (a commune desk → its commune)."""
    units, above = _implementing_units(version, receiving_unit)
    if above or len(units) == 1:
        return units[0]
    raise DomainError(
        "Vui lòng chọn cơ quan giải quyết hồ sơ.",
        code="competent_unit_required",
        field="competent_unit",
    )


def _implementing_units(version: ProcedureVersion, desk: Unit) -> tuple[list[Unit], bool]:
    """Up to two of ``version``'s implementing units, those above ``desk`` first (the
    nearest to the root first), and whether the first is above it. Written out: Django took
    longer to build the statement than the database to answer it, and a procedure that every
    commune implements would load them all."""
    found = db_rows.run(_implementing_statement(), [desk.path, version.pk])
    return [db_rows.load(Unit, row[:-1]) for row in found], bool(found and found[0][-1])


@functools.cache
def _implementing_statement() -> str:
    links = ProcedureVersion.implementing_units.through._meta.db_table
    return (
        f"SELECT {db_rows.columns(Unit, 'u')}, substr(%s, 1, length(u.path)) = u.path AS above "
        f"FROM {Unit._meta.db_table} u JOIN {links} l ON l.unit_id = u.id "
        "WHERE l.procedureversion_id = %s ORDER BY above DESC, u.path LIMIT 2"
    )


def _check_components(version: ProcedureVersion, components: list[dict]) -> None:
    given = {c.get("document") for c in components}
    documents = parts(version).documents.values()
    missing = [d.name for d in documents if not d.optional and d.pk not in given]
    if missing:
        raise DomainError(
            "Thiếu thành phần hồ sơ bắt buộc: " + "; ".join(missing) + ".",
            code="components_missing",
            field="components",
        )
    for c in components:
        if c.get("form", ComponentForm.ORIGINAL) not in ComponentForm.values:
            raise DomainError("Hình thức giấy tờ không hợp lệ.", code="invalid_component_form")


def _insert(dossier: Dossier, intake: Intake, unit: Unit, now: datetime, event: Event) -> None:
    """Code, row, components, fees and first event, written together (``insertion``); the
    day's code counter is taken last, so it stays locked (other officials of the desk wait
    on it) only for the inserts and the commit. Then the listeners hear of it."""
    frozen = parts(intake.version)
    documents = frozen.documents
    components = [
        Component(
            document=documents.get(c.get("document")),
            name=c.get("name") or documents[c["document"]].name,
            form=c.get("form", ComponentForm.ORIGINAL),
            count=int(c.get("count", 1)),
            digitized=bool(c.get("digitized", False) or c.get("file")),
            file=c.get("file"),
            reused=bool(c.get("reused", False)),
        )
        for c in intake.components
    ]
    fees = [DossierFee(name=f.name, amount=f.amount) for f in frozen.fees if f.amount]
    insertion.insert(dossier, unit.code, local(now).date(), components, fees, event)
    # what prefetch_related would have read back: the receipt's answer lists them
    dossier._prefetched_objects_cache = {"components": components, "fees": fees}
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event)


def _start_clock(dossier: Dossier, now: datetime) -> None:
    """Receipt: the legal time limit starts, step 1 (the desk's) starts."""
    version = dossier.version
    cal = calendar_for(dossier.competent_unit)
    value, unit = version.time_limit_value, version.time_limit_unit
    if dossier.channel == Channel.ONLINE and version.online_time_limit_value:
        value, unit = version.online_time_limit_value, version.online_time_limit_unit
    dossier.received_at = now
    dossier.original_due_at = dossier.due_at = deadlines.due_for(
        now, value, unit, cal, version.same_day_cutoff
    )
    dossier.state = State.RECEIVED
    _enter_step(dossier, _steps(dossier)[0], now)


# --- acting on a dossier ----------------------------------------------------------------------


def act(
    dossier: Dossier | str,
    action: str,
    actor,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    **params,
) -> Dossier:
    """Take ``action`` on a dossier as ``actor``; see ``transitions.TABLE`` for the actions."""
    now = now or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError(f"Không có thao tác «{action}».", code="unknown_action")
    with transaction.atomic():
        d = _lock(dossier)
        if expected_version is not None and d.row_version != expected_version:
            raise Conflict(
                "Hồ sơ đã thay đổi (có người vừa xử lý). Vui lòng tải lại hồ sơ rồi thao tác.",
                code="dossier_changed",
            )
        _check_state(d, transition)
        role, unit = authorize(d, transition, actor)
        if transition.needs_reason and not str(params.get("reason", "")).strip():
            raise DomainError("Vui lòng ghi rõ lý do.", code="reason_required", field="reason")
        before = _snapshot(d)
        event = HANDLERS[action](d, actor, now, **params) or {}
        if transition.target:
            d.state = transition.target
        d.row_version += 1
        d.save()
        _event(d, action, actor, role, unit, before, now, **event)
    return d


def _lock(dossier: Dossier | str) -> Dossier:
    key = {"code": dossier} if isinstance(dossier, str) else {"pk": dossier.pk}
    try:
        return (
            # only the dossier's row: its version and units are read, not locked (locking
            # them would queue every action on a unit or procedure behind each other)
            Dossier.objects.select_for_update(of=("self",))
            .select_related("version__procedure", "receiving_unit", "competent_unit")
            .get(**key)
        )
    except Dossier.DoesNotExist:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found") from None


def _check_state(d: Dossier, t: Transition) -> None:
    if d.state in t.sources:
        return
    if t.action == "withdraw" and d.state == State.RESOLVED:
        raise Conflict(
            "Hồ sơ đã có kết quả giải quyết; không thể dừng giải quyết theo yêu cầu.",
            code="decision_exists",
        )
    raise Conflict(
        f"Không thể «{t.label.lower()}» khi hồ sơ ở trạng thái «{State(d.state).label}».",
        code="illegal_transition",
    )


def authorize(d: Dossier, t: Transition, actor, held=None) -> tuple[str, Unit | None]:
    """The role and unit under which ``actor`` may take ``t`` now, or ``Forbidden``.

    ``held``: the actor's roles as read by ``_roles_held`` (checking many actions at once
    reads them once); None reads them here."""
    is_owner = d.owner_id is not None and getattr(actor, "pk", None) == d.owner_id
    if t.where == Where.APPLICANT or (t.also_applicant and is_owner):
        if is_owner:
            return "APPLICANT", None
        raise Forbidden("Chỉ người nộp hồ sơ mới thực hiện được thao tác này.")
    if t.where == Where.RECEIVING:
        return _require_role(actor, t.role, d.receiving_unit, held), d.receiving_unit
    if t.where == Where.COMPETENT:
        return _require_role(actor, t.role, d.competent_unit, held), d.competent_unit
    unit = d.current_unit
    if _has_role(actor, Role.HEAD, unit, held):
        return Role.HEAD, unit
    role = _require_role(actor, t.role or d.step_role, unit, held)
    if d.assignee_id and d.assignee_id != actor.pk:
        raise Forbidden("Hồ sơ đang được phân công cho cán bộ khác.", code="assigned_to_another")
    return role, unit


def _require_role(actor, role: str, unit: Unit, held=None) -> str:
    if not _has_role(actor, role, unit, held):
        raise Forbidden(
            f"Bạn không có vai trò «{Role(role).label}» tại {unit.name}.", code="forbidden"
        )
    return role


def _roles_held(actor) -> list[tuple[str, str]]:
    """(role, unit path) of every role the actor holds (read once per request)."""
    return scope.held(actor)


def _has_role(actor, role: str, unit: Unit, held=None) -> bool:
    """``scope.has_role``, answered from ``held`` when the roles were read already."""
    if held is None:
        return scope.has_role(actor, role, unit)
    return any(r == role and unit.path.startswith(path) for r, path in held)


def available_actions(d: Dossier, actor) -> list[Transition]:
    """The actions ``actor`` may take on ``d`` now (the screens offer these and no others).
    The actor's roles are read once for all the actions, not once per action."""
    found = []
    held = _roles_held(actor)
    for t in allowed_from(d.state):
        try:
            authorize(d, t, actor, held)
        except Forbidden:
            continue
        found.append(t)
    return found


# --- the handlers, one per action -------------------------------------------------------------


def _receive(d: Dossier, actor, now, **_):
    _start_clock(d, now)
    return {"note": "Tiếp nhận hồ sơ trực tuyến"}


def _request_intake_supplement(d: Dossier, actor, now, reason="", items=(), **_):
    return {"note": reason, "data": {"items": list(items)}}


def _resubmit(d: Dossier, actor, now, note="", components=(), **_):
    d.submitted_at = now
    return {"note": note, "data": _add_supplement(d, components)}


def _add_supplement(d: Dossier, components) -> dict:
    """Documents handed in to answer a supplement request join the dossier's components
    (``components`` as in ``Intake``); the event lists them."""
    if not components:
        return {}
    documents = {doc.pk: doc for doc in d.version.documents.all()}
    rows = [
        Component(
            dossier=d,
            document=documents.get(c.get("document")),
            name=c.get("name") or getattr(documents.get(c.get("document")), "name", "Bổ sung"),
            form=c.get("form", ComponentForm.ELECTRONIC),
            digitized=bool(c.get("file")),
            file=c.get("file"),
            reused=bool(c.get("reused", False)),
        )
        for c in components
    ]
    Component.objects.bulk_create(rows)
    return {"supplement": [r.name for r in rows]}


def _refuse(d: Dossier, actor, now, reason="", **_):
    d.finished_at = now
    return {"note": reason}


def _assign(d: Dossier, actor, now, assignee=None, **_):
    d.assignee = _check_assignee(assignee, d.step_role, d.current_unit, required=True)
    return {"data": {"assignee": d.assignee.get_username()}}


def _forward(d: Dossier, actor, now, assignee=None, note="", **_):
    steps = _steps(d)
    if d.lien_thong_from_step:
        target = _step(steps, d.lien_thong_from_step)
        d.lien_thong_from_step = None
    else:
        target = _step(steps, (d.step_order or 0) + 1, missing="last_step")
    verdict = _close_step(d, now)
    _enter_step(d, target, now)
    d.assignee = _check_assignee(assignee, target.role, d.current_unit)
    return {"verdict": verdict, "note": note, "to_step": target}


def _send_back(d: Dossier, actor, now, to_step=None, reason="", **_):
    steps = _steps(d)
    if to_step is None or not 1 <= int(to_step) < (d.step_order or 0):
        raise DomainError(
            "Chỉ trả lại được một bước trước bước hiện tại.", code="invalid_step", field="to_step"
        )
    target = _step(steps, int(to_step))
    verdict = _close_step(d, now)
    d.lien_thong_from_step = None
    _enter_step(d, target, now)
    return {"verdict": verdict, "note": reason, "to_step": target}


def _transfer(d: Dossier, actor, now, to_unit=None, hours=None, reason="", assignee=None, **_):
    unit = Unit.objects.filter(code=to_unit).first() if to_unit else None
    if unit is None:
        raise DomainError(
            f"Không có cơ quan, đơn vị mã «{to_unit}».", code="unknown_unit", field="to_unit"
        )
    if unit == d.current_unit:
        raise DomainError("Hồ sơ đang ở đơn vị này.", code="same_unit", field="to_unit")
    share = _hours(hours)
    verdict = _close_step(d, now)
    d.lien_thong_from_step = d.lien_thong_from_step or d.step_order
    d.current_unit, d.current_path = unit, unit.path
    d.step_name = f"Liên thông: {unit.name}"
    d.step_role = Role.SPECIALIST
    d.step_started_at = now
    d.step_due_at = deadlines.due_working_hours(now, share, calendar_for(unit))
    d.assignee = _check_assignee(assignee, Role.SPECIALIST, unit)
    return {"verdict": verdict, "note": reason, "to_unit": unit, "data": {"hours": str(share)}}


def _request_supplement(d: Dossier, actor, now, reason="", items=(), acknowledge_late=False, **_):
    if d.supplement_requests >= 1 and not acknowledge_late:
        raise DomainError(
            "Hồ sơ đã được yêu cầu bổ sung một lần. Yêu cầu bổ sung lần thứ hai sẽ bị tính là "
            "hồ sơ quá hạn (Quyết định 766/QĐ-TTg). Xác nhận nếu vẫn yêu cầu.",
            code="second_supplement_counts_late",
        )
    d.supplement_requests += 1
    d.paused_at = now
    return {"note": reason, "data": {"items": list(items), "request_number": d.supplement_requests}}


def _resume(d: Dossier, now) -> dict:
    """End a pause: the dossier's and the step's due dates move by the paused working time."""
    if d.paused_at is None:
        return {}
    cal = calendar_for(d.competent_unit)
    paused_from = d.paused_at
    d.due_at = deadlines.shift_for_pause(d.due_at, paused_from, now, cal)
    if d.step_due_at:
        d.step_due_at = deadlines.shift_for_pause(d.step_due_at, paused_from, now, cal)
    if d.rescheduled_due_at:
        d.rescheduled_due_at = deadlines.shift_for_pause(
            d.rescheduled_due_at, paused_from, now, cal
        )
    d.paused_at = None
    paused = deadlines.working_time_between(paused_from, now, cal)
    return {"paused_from": paused_from.isoformat(), "paused_hours": paused.total_seconds() / 3600}


def _complete_supplement(d: Dossier, actor, now, note="", components=(), **_):
    return {"note": note, "data": {**_resume(d, now), **_add_supplement(d, components)}}


def _lapse_supplement(d: Dossier, actor, now, reason="", **_):
    d.paused_at = None
    d.finished_at = now
    return {"note": reason}


def _request_payment(d: Dossier, actor, now, reason="", amount=None, **_):
    if getattr(settings, "MOTCUA_PAYMENT_PAUSES_CLOCK", True):
        d.paused_at = now
    return {"note": reason, "data": {"amount": str(amount) if amount is not None else ""}}


def _confirm_payment(d: Dossier, actor, now, paid_online=False, note="", **_):
    d.paid_online = d.paid_online or bool(paid_online)
    return {"note": note, "data": {**_resume(d, now), "paid_online": bool(paid_online)}}


def _not_eligible(d: Dossier, actor, now, reason="", **_):
    d.finished_at = now
    d.verdict = _dossier_verdict(d, now)
    return {"note": reason, "verdict": d.verdict}


def _resolve(
    d: Dossier, actor, now, e_result=False, result_file=None, result_number="", note="", **_
):
    e_result = bool(e_result or result_file)
    if d.version.requires_written_result and not e_result:
        raise DomainError(
            "Thủ tục có kết quả là văn bản: phải đính kèm kết quả điện tử trước khi hoàn thành.",
            code="e_result_required",
            field="e_result",
        )
    d.e_result = e_result
    d.result_file = result_file or d.result_file
    d.result_number = result_number
    d.finished_at = now
    d.verdict = _dossier_verdict(d, now)
    step_verdict = _close_step(d, now)
    steps = _steps(d)
    last = steps[-1]
    if last.order > (d.step_order or 0) and last.role == Role.RECEIVER:
        _enter_step(d, last, now)  # the desk's return step
    else:
        d.current_unit, d.current_path = d.receiving_unit, d.receiving_unit.path
        d.step_due_at = None
    d.assignee = None
    return {"note": note, "verdict": step_verdict, "data": {"dossier_verdict": d.verdict}}


def _return_result(d: Dossier, actor, now, method=None, recipient="", tracking_number="", **_):
    method = method or d.return_method
    if method not in ReturnMethod.values:
        raise DomainError("Hình thức trả kết quả không hợp lệ.", code="invalid_return_method")
    if method == ReturnMethod.DESK and not recipient.strip():
        raise DomainError(
            "Vui lòng ghi họ tên người nhận kết quả.", code="recipient_required", field="recipient"
        )
    if method == ReturnMethod.ONLINE and not d.e_result:
        raise DomainError(
            "Hồ sơ chưa có kết quả điện tử để trả trực tuyến.", code="e_result_required"
        )
    verdict = _close_step(d, now) if d.step_due_at else ""
    d.returned_at = now
    d.return_method = method
    d.step_due_at = None
    return {
        "verdict": verdict,
        "data": {"method": method, "recipient": recipient, "tracking_number": tracking_number},
    }


def _withdraw(d: Dossier, actor, now, reason="", **_):
    d.finished_at = now
    d.paused_at = None
    if d.due_at:
        d.verdict = _dossier_verdict(d, now)
    return {"note": reason or "Người nộp yêu cầu dừng giải quyết hồ sơ."}


def _apologize(d: Dossier, actor, now, reason="", new_due=None, **_):
    cal = calendar_for(d.competent_unit)
    limit = getattr(settings, "MOTCUA_MAX_REAPPOINTMENTS", 1)
    if d.apologies >= limit:
        raise DomainError(
            f"Hồ sơ đã được hẹn lại {d.apologies} lần; chỉ được hẹn lại tối đa {limit} lần.",
            code="reappointment_limit",
        )
    if deadlines.urgency(now, d.due_at, cal) == deadlines.Urgency.ON_TIME:
        raise DomainError(
            "Chỉ xin lỗi, hẹn lại khi hồ sơ sắp đến hạn (từ 01 ngày làm việc trước hạn) hoặc "
            "đã quá hạn.",
            code="apology_too_early",
        )
    new_due = _parse_moment(new_due, "new_due")
    if new_due <= max(d.due_at, now):
        raise DomainError(
            "Ngày hẹn trả mới phải sau ngày hẹn hiện tại.", code="invalid_new_due", field="new_due"
        )
    d.apologies += 1
    d.rescheduled_due_at = new_due
    return {"note": reason, "data": {"new_due": new_due.isoformat()}}


HANDLERS = {
    "receive": _receive,
    "request_intake_supplement": _request_intake_supplement,
    "resubmit": _resubmit,
    "refuse": _refuse,
    "assign": _assign,
    "forward": _forward,
    "send_back": _send_back,
    "transfer": _transfer,
    "request_supplement": _request_supplement,
    "complete_supplement": _complete_supplement,
    "lapse_supplement": _lapse_supplement,
    "request_payment": _request_payment,
    "confirm_payment": _confirm_payment,
    "not_eligible": _not_eligible,
    "resolve": _resolve,
    "return_result": _return_result,
    "withdraw": _withdraw,
    "apologize": _apologize,
}
assert set(HANDLERS) == set(TRANSITIONS) - {"submit"}


# --- corrections -------------------------------------------------------------------------------

CORRECTABLE = {
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "representative_name",
    "return_address",
}


def correct(dossier: Dossier | str, actor, *, reason: str, now=None, **changes) -> Dossier:
    """An audited administrative correction (domain.md §9.2, 17): nothing is rewritten in
    the log; a ``correct`` event records each field's old and new value and the reason.
    Only a unit administrator of the receiving unit (or a province administrator) may."""
    now = now or timezone.now()
    unknown = set(changes) - CORRECTABLE
    if unknown or not changes:
        raise DomainError(
            "Chỉ được điều chỉnh thông tin liên hệ của người nộp và địa chỉ nhận kết quả.",
            code="not_correctable",
        )
    if not reason.strip():
        raise DomainError(
            "Vui lòng ghi rõ lý do điều chỉnh.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        d = _lock(dossier)
        role = next(
            (
                r
                for r in (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)
                if scope.has_role(actor, r, d.receiving_unit)
            ),
            None,
        )
        if role is None:
            raise Forbidden("Chỉ quản trị đơn vị tiếp nhận mới được điều chỉnh hồ sơ.")
        before = _snapshot(d)
        diff = {k: {"old": getattr(d, k), "new": str(v).strip()} for k, v in changes.items()}
        for key, value in diff.items():
            setattr(d, key, value["new"])
        clean_applicant(
            {
                "type": d.applicant_type,
                "name": d.applicant_name,
                "id_number": d.applicant_id_number,
                "phone": d.applicant_phone,
                "email": d.applicant_email,
            }
        )
        d.row_version += 1
        d.save()
        _event(
            d,
            "correct",
            actor,
            role,
            d.receiving_unit,
            before,
            now,
            note=reason,
            data={"changes": diff},
        )
    return d


# --- steps and deadlines ----------------------------------------------------------------------


def _steps(d: Dossier) -> list[ProcessStep]:
    return parts(d.version).steps


@dataclass(frozen=True)
class Parts:
    documents: dict[int, RequiredDocument]  # by key, in the catalog's order
    fees: list[Fee]
    steps: list[ProcessStep]  # by order


_parts_cache: dict[tuple, Parts] = {}


def parts(version: ProcedureVersion) -> Parts:
    """A version's documents, fees and steps. Once a version leaves draft its parts are
    frozen (``catalog.FrozenWithVersion``), so they are read once per process instead of
    three times per receipt; a draft's are read every time."""
    key = (version.pk, version.created_at)
    found = _parts_cache.get(key) if version.status != VersionStatus.DRAFT else None
    if found is None:
        found = Parts(
            {d.pk: d for d in version.documents.all()},
            list(version.fees.all()),
            list(version.steps.order_by("order")),
        )
        if version.status != VersionStatus.DRAFT:
            if len(_parts_cache) > 4096:  # a catalog has a few thousand versions at most
                _parts_cache.clear()
            _parts_cache[key] = found
    return found


def _step(steps: list[ProcessStep], order: int, missing: str = "invalid_step") -> ProcessStep:
    for s in steps:
        if s.order == order:
            return s
    if missing == "last_step":
        raise DomainError(
            "Đây là bước cuối của quy trình; hãy hoàn thành giải quyết hoặc trả kết quả.",
            code="last_step",
        )
    raise DomainError(f"Quy trình không có bước {order}.", code="invalid_step", field="to_step")


def step_unit(d: Dossier, step: ProcessStep) -> Unit:
    if step.unit_ref == StepUnit.RECEIVING:
        return d.receiving_unit
    if step.unit_ref == StepUnit.COMPETENT:
        return d.competent_unit
    unit = Unit.objects.filter(code=step.unit_ref).first()
    if unit is None:
        raise DomainError(f"Không có đơn vị mã «{step.unit_ref}».", code="unknown_unit")
    return unit


def _enter_step(d: Dossier, step: ProcessStep, now: datetime) -> None:
    unit = step_unit(d, step)
    d.step_order, d.step_name, d.step_role = step.order, step.name, step.role
    d.current_unit, d.current_path = unit, unit.path
    d.step_started_at = now
    d.step_due_at = deadlines.due_working_hours(now, step.hours, calendar_for(unit))


def _close_step(d: Dossier, now: datetime) -> str:
    """The hand-over verdict of the step being left (Phiếu kiểm soát)."""
    return verdict(now, d.step_due_at) if d.step_due_at else ""


def verdict(finished: datetime, due: datetime) -> str:
    """Trước hạn (before the due day), Đúng hạn (on it, by the due moment), Quá hạn (after)."""
    if finished > due:
        return Verdict.LATE
    if local(finished).date() == local(due).date():
        return Verdict.ON_TIME
    return Verdict.EARLY


def _dossier_verdict(d: Dossier, now: datetime) -> str:
    """766 (2.1): against the due date shifted by pauses — never the re-appointed date — and
    a second supplement request makes the dossier late whatever the dates."""
    if d.supplement_requests > 1:
        return Verdict.LATE
    return verdict(now, d.due_at)


def _check_assignee(assignee, role: str, unit: Unit, required: bool = False):
    if assignee is None:
        if required:
            raise DomainError(
                "Vui lòng chọn cán bộ được phân công.", code="assignee_required", field="assignee"
            )
        return None
    if not scope.has_role(assignee, role, unit):
        raise DomainError(
            f"{assignee.get_username()} không có vai trò «{Role(role).label}» tại {unit.name}.",
            code="invalid_assignee",
            field="assignee",
        )
    return assignee


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except Exception:
        hours = Decimal(0)
    if not 0 < hours <= 8 * 60:
        raise DomainError(
            "Thời gian liên thông phải từ trên 0 đến 480 giờ làm việc.",
            code="invalid_hours",
            field="hours",
        )
    return hours


def _parse_moment(value, field_name: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise DomainError(
            "Vui lòng nhập ngày giờ hợp lệ (ISO 8601).", code="invalid_datetime", field=field_name
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


# --- the event log ----------------------------------------------------------------------------


def _snapshot(d: Dossier) -> dict:
    return {
        "state": d.state,
        "due_at": d.due_at,
        "step_order": d.step_order,
        "step_name": d.step_name,
        "unit": d.current_unit,
        "step_due": d.step_due_at,
    }


def _event(d: Dossier, action, actor, role, unit, before, now, **extra) -> Event:
    """Append the event of a change and tell the listeners, in the same transaction
    (monitoring notes the dossier for its roll-up, so a figure never counts a change that
    was rolled back)."""
    seq = (d.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    event = _new_event(d, action, actor, role, unit, before, now, seq, **extra)
    event.save(force_insert=True)
    dossier_changed.send(sender=Dossier, dossier=d, event=event)
    return event


def _new_event(d: Dossier, action, actor, role, unit, before, now, seq, **extra) -> Event:
    before = before or {}
    to_step = extra.pop("to_step", None)
    official = getattr(actor, "official", None) if actor is not None else None
    return Event(
        dossier=d,
        seq=seq,
        action=action,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=official.full_name if official else getattr(actor, "username", "") or "",
        role=role or "",
        unit=unit,
        from_state=before.get("state", ""),
        to_state=d.state,
        step_order=before.get("step_order"),
        step_name=before.get("step_name", ""),
        to_unit=extra.pop("to_unit", None) or (d.current_unit if to_step else None),
        to_step_order=to_step.order if to_step else None,
        due_before=before.get("due_at"),
        due_after=d.due_at,
        step_due=before.get("step_due"),
        note=extra.pop("note", "") or "",
        verdict=extra.pop("verdict", "") or "",
        data=_jsonable(extra.pop("data", {}) or {}),
    )


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


# --- reading ----------------------------------------------------------------------------------


def needs_apology(d: Dossier, now: datetime | None = None) -> bool:
    """From one working day before the due date, an unresolved dossier demands the apology
    (Mẫu 04) with reason and new date, unless one was already issued (E8)."""
    if d.state in FINISHED or d.state in (State.DRAFT, State.SUBMITTED) or not d.due_at:
        return False
    if d.paused_at or d.apologies:
        return False
    now = now or timezone.now()
    return deadlines.urgency(now, d.due_at, calendar_for(d.competent_unit)) != "ON_TIME"


def is_overdue(d: Dossier, now: datetime | None = None) -> bool:
    if not d.due_at or d.paused_at:
        return False
    if d.state in FINISHED:
        return d.verdict == Verdict.LATE
    return (now or timezone.now()) > d.due_at
