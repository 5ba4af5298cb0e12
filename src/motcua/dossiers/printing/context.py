"""What each form says, read from the dossier and its event log (the record, not the
denormalised columns, wherever the two could differ).

Every context is plain data — strings, numbers, lists and dicts, dates already written the
Vietnamese way — so the same dict is the form's structured form (R-FORM-1) and the
template only lays it out.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from motcua.agencies.models import Unit
from motcua.core.errors import DomainError
from motcua.dossiers.models import (
    ApplicantType,
    ComponentForm,
    Dossier,
    Event,
    ReturnMethod,
    State,
    Verdict,
)
from motcua.dossiers.rules import rule_set_at
from motcua.dossiers.transitions import TRANSITIONS
from motcua.workdays.calendar import TZ, local
from motcua.workdays.deadlines import appointment_text, limit_label

from . import sets
from .pdf import tracking_url

# --- writing dates, money and units the way the forms do ------------------------------------


def moment_text(moment: datetime | None) -> str:
    """Like "09 giờ 00 phút, ngày 04 tháng 08 năm 2025" (Mẫu 01 items 4 and 5)."""
    return appointment_text(moment) if moment else ""


def short_moment(moment: datetime | None) -> str:
    """Like "09:00 04/08/2025": the hand-over times of the control slip and the register."""
    return f"{local(moment):%H:%M %d/%m/%Y}" if moment else ""


def day_text(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return f"{day:%d/%m/%Y}"


def date_line(moment: datetime | date) -> str:
    """Like "ngày 04 tháng 08 năm 2025", as in the place-and-date line of a document."""
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def money(amount: Decimal | int) -> str:
    return f"{amount:,.0f}".replace(",", ".") + " đồng"


# Names of administrative areas in unit names: "Trung tâm Phục vụ hành chính công xã Gia
# Viễn" is in Gia Viễn; "Sở Tư pháp tỉnh Ninh Bình" is in Ninh Bình.
_AREA = re.compile(r"\b(?:xã|phường|thị trấn|đặc khu|thành phố|tỉnh)\s+(\S.*)$", re.IGNORECASE)


def place_of(unit: Unit) -> str:
    """The place written before the date ("Gia Viễn, ngày ..."): the nearest area named in
    the unit's name or its ancestors' names."""
    for candidate in [unit, *reversed(unit.ancestors())]:
        found = _AREA.search(candidate.name)
        if found and found.group(1)[0].isupper():
            return found.group(1)
    return ""


def issuer(unit: Unit, moment: datetime | date | None) -> dict:
    """The left header block (governing body, issuing unit) and the place-and-date line."""
    parent = unit.parent if unit.parent_id else None
    line = ""
    if moment is not None:
        place = place_of(unit)
        line = f"{place}, {date_line(moment)}" if place else date_line(moment).capitalize()
    return {
        "parent": parent.name if parent else "",
        "name": unit.name,
        "address": unit.address,
        "phone": unit.phone,
        "place_date": line,
    }


# --- the parts every dossier form shares -----------------------------------------------------


def load(dossier: Dossier | str) -> Dossier:
    """The dossier fresh from the database, with what the forms print in one query."""
    key = {"code": dossier} if isinstance(dossier, str) else {"pk": dossier.pk}
    try:
        return Dossier.objects.select_related(
            "version__procedure", "receiving_unit__parent", "competent_unit__parent"
        ).get(**key)
    except Dossier.DoesNotExist:
        raise DomainError("Không tìm thấy hồ sơ.", code="dossier_not_found") from None


def events_of(dossier: Dossier) -> list[Event]:
    return list(dossier.events.select_related("unit__parent", "to_unit").order_by("seq"))


def latest(events: list[Event], *actions: str) -> Event | None:
    for event in reversed(events):
        if event.action in actions:
            return event
    return None


def not_available(d: Dossier, kind: str, why: str) -> DomainError:
    """The error for a form whose event has not happened yet (the UI offers no such form)."""
    title = sets.spec(sets.forms_of(d.rule_set), kind).title
    return DomainError(f"Chưa có {title[0].lower() + title[1:]}: {why}", code="form_not_available")


def applicant(d: Dossier) -> dict:
    organization = d.applicant_type == ApplicantType.ORGANIZATION
    return {
        "name": d.applicant_name,
        "salutation": "Quý cơ quan, tổ chức" if organization else "Ông/Bà",
        "id_label": "Mã số thuế / mã số doanh nghiệp" if organization else "Số định danh cá nhân",
        "id_number": d.applicant_id_number,
        "address": d.applicant_address,
        "phone": d.applicant_phone,
        "email": d.applicant_email,
        "representative": d.representative_name,
    }


def base(d: Dossier, kind: str, unit: Unit, moment: datetime | date | None) -> dict:
    forms = sets.forms_of(d.rule_set)
    spec = sets.spec(forms, kind)
    url = tracking_url(d.code) if d.code else ""
    return {
        "kind": kind,
        "forms": forms,
        "form_number": spec.label,
        "title": spec.title,
        "circular": sets.CIRCULARS[forms],
        "issuer": issuer(unit, moment),
        "code": d.code or "",
        "tracking_url": url,
        "applicant": applicant(d),
        "procedure": {"code": d.version.procedure.code, "name": d.version.name},
        "request": d.summary or d.version.name,
        "channel": d.get_channel_display(),
    }


def return_method_text(d: Dossier) -> str:
    if d.return_method == ReturnMethod.POST:
        return f"{ReturnMethod.POST.label}, địa chỉ: {d.return_address}"
    if d.return_method == ReturnMethod.DESK:
        return f"{ReturnMethod.DESK.label} – {d.receiving_unit.name}"
    return ReturnMethod(d.return_method).label


def legal_time_limit(d: Dossier) -> str:
    """The limit that set the appointment: the online one when it applied (services)."""
    version = d.version
    if d.channel == "online" and version.online_time_limit_value:
        return limit_label(version.online_time_limit_value, version.online_time_limit_unit)
    return version.time_limit_display()


# --- one builder per form --------------------------------------------------------------------


def receipt(d: Dossier, events: list[Event]) -> dict:
    """Mẫu 01 with every item of R-FORM-2."""
    event = latest(events, "receive")
    if d.received_at is None or event is None:
        raise not_available(d, "receipt", "hồ sơ chưa được tiếp nhận.")
    fees = [{"name": f.name, "amount": money(f.amount)} for f in d.fees.all()]
    return {
        **base(d, "receipt", d.receiving_unit, d.received_at),
        "components": [
            {
                "no": i,
                "name": c.name,
                "form": ComponentForm(c.form).label,
                "count": c.count,
                "reused": c.reused,
            }
            for i, c in enumerate(d.components.all(), start=1)
        ],
        "sets": d.sets,
        "time_limit": legal_time_limit(d),
        "received": moment_text(d.received_at),
        "appointment": moment_text(d.original_due_at),
        "return_method": return_method_text(d),
        "fees": fees,
        "fee_total": money(d.fee_total) if d.fee_total else "",
        "paid_online": d.paid_online,
        "receiver": event.actor_name,
    }


def supplement(d: Dossier, events: list[Event]) -> dict:
    """Mẫu 02: what to add or correct, why, and whom to ask (R-FORM-3)."""
    event = latest(events, "request_intake_supplement", "request_supplement")
    if event is None:
        raise not_available(d, "supplement", "hồ sơ chưa có yêu cầu bổ sung, hoàn thiện.")
    unit = event.unit or d.receiving_unit
    return {
        **base(d, "supplement", unit, event.at),
        "items": [_item_text(item) for item in (event.data or {}).get("items", [])],
        "reason": event.note,
        "after_appraisal": event.action == "request_supplement",
        "request_number": (event.data or {}).get("request_number"),
        "guide": event.actor_name,
        "guide_unit": unit.name,
        "guide_phone": unit.phone or d.receiving_unit.phone,
        "requested": moment_text(event.at),
    }


def _item_text(item) -> str:
    if isinstance(item, dict):
        name = item.get("name") or item.get("ten") or ""
        note = item.get("note") or item.get("reason") or ""
        return f"{name}: {note}" if note else name
    return str(item)


def refusal(d: Dossier, events: list[Event]) -> dict:
    """Mẫu 03: refused at intake, or found not eligible after appraisal, with the reason."""
    event = latest(events, "refuse", "not_eligible")
    if event is None:
        raise not_available(d, "refusal", "hồ sơ không bị từ chối.")
    unit = event.unit or d.receiving_unit
    return {
        **base(d, "refusal", unit, event.at),
        "reason": event.note,
        "at_intake": event.action == "refuse",
        "signer_title": "Người tiếp nhận hồ sơ"
        if event.action == "refuse"
        else "Thủ trưởng cơ quan",
        "signer": event.actor_name,
        "submitted": moment_text(d.submitted_at or d.received_at),
    }


def apology(d: Dossier, events: list[Event]) -> dict:
    """Mẫu 04: the original date, the reason, the apology, the new date, the signer."""
    event = latest(events, "apologize")
    if event is None:
        raise not_available(d, "apology", "hồ sơ chưa có lần xin lỗi, hẹn lại ngày trả kết quả.")
    new_due = (event.data or {}).get("new_due")
    unit = event.unit or d.competent_unit
    return {
        **base(d, "apology", unit, event.at),
        "received_day": day_text(d.received_at),
        "receiving_unit": d.receiving_unit.name,
        "agency": unit.name,
        "original_due": moment_text(event.due_before or d.original_due_at),
        "reason": event.note,
        "new_due": moment_text(datetime.fromisoformat(new_due)) if new_due else "",
        "signer": event.actor_name,
    }


def stop(d: Dossier, events: list[Event]) -> dict:
    """TT 03/2025 Mẫu 05: processing stopped at the applicant's request (NĐ 118 Điều 21)."""
    sets.spec(sets.forms_of(d.rule_set), "stop")  # TT 01/2018 has no such form: raises
    event = latest(events, "withdraw")
    if event is None:
        raise not_available(d, "stop", "người nộp chưa yêu cầu dừng giải quyết hồ sơ.")
    by_official = event.role != "APPLICANT"
    return {
        **base(d, "stop", d.receiving_unit, event.at),
        "requested": moment_text(event.at),
        "reason": event.note,
        "received": moment_text(d.received_at or d.submitted_at),
        "online_request": not by_official,
        "had_fees": bool(d.fee_total),
        "signer": event.actor_name if by_official else "",
    }


# The control slip records hand-overs; these events move the dossier between hands.
HANDOVERS = {"forward", "send_back", "transfer", "resolve", "return_result", "assign"}
# These are not hand-overs but the slip notes them (pauses, apology, stops).
NOTED = {
    "request_supplement", "complete_supplement", "lapse_supplement", "request_payment",
    "confirm_payment", "apologize", "not_eligible", "withdraw",
}  # fmt: skip


def control_slip(d: Dossier, events: list[Event]) -> dict:
    """Phiếu kiểm soát: one row per hand-over read from the event log, with the verdict of
    the step handed over (Trước hạn / Đúng hạn / Quá hạn) (R-FORM-3)."""
    if d.received_at is None:
        raise not_available(d, "control_slip", "hồ sơ chưa được tiếp nhận.")
    steps = {order: (name, role) for order, name, role
             in d.version.steps.values_list("order", "name", "role")}  # fmt: skip
    people = _assignee_names(events)
    rows = []
    for event in events:
        if event.action in HANDOVERS:
            rows.append(_handover_row(d, event, steps, people))
        elif event.action in NOTED:
            rows.append(_noted_row(d, event))
    for number, row in enumerate(rows, start=1):
        row["no"] = number
    rescheduled = moment_text(d.rescheduled_due_at) if d.rescheduled_due_at else ""
    return {
        **base(d, "control_slip", d.receiving_unit, None),
        "received": moment_text(d.received_at),
        "appointment": moment_text(d.original_due_at),
        "rescheduled": rescheduled,
        "return_method": return_method_text(d),
        "rows": rows,
        "verdict": Verdict(d.verdict).label if d.verdict else "",
        "state": State(d.state).label,
    }


def _assignee_names(events: list[Event]) -> dict[str, str]:
    usernames = {(e.data or {}).get("assignee") for e in events if e.action == "assign"}
    usernames.discard(None)
    if not usernames:
        return {}
    users = get_user_model().objects.filter(username__in=usernames).select_related("official")
    return {u.username: getattr(getattr(u, "official", None), "full_name", u.username)
            for u in users}  # fmt: skip


# Who holds the dossier at each step, as the slip names them beside the unit.
ROLE_NAMES = {"RECEIVER": "cán bộ tiếp nhận", "SPECIALIST": "chuyên viên thụ lý",
              "HEAD": "lãnh đạo phê duyệt"}  # fmt: skip


def _holder(unit_name: str, role: str | None) -> str:
    return f"{unit_name} ({ROLE_NAMES[role]})" if role in ROLE_NAMES else unit_name


def _handover_row(d: Dossier, e: Event, steps: dict, people: dict) -> dict:
    giver = e.unit or d.receiving_unit
    from_role = e.role if e.role in ROLE_NAMES else steps.get(e.step_order, ("", ""))[1]
    receiver_person = ""
    notes = []
    if e.action == "assign":
        receiver = _holder(giver.name, steps.get(e.step_order, ("", ""))[1])
        receiver_person = people.get((e.data or {}).get("assignee"), "")
        notes.append("Phân công xử lý")
    elif e.action == "resolve":
        receiver = _holder(d.receiving_unit.name, "RECEIVER")
        notes.append("Hoàn thành giải quyết, chuyển kết quả về Bộ phận Một cửa")
    elif e.action == "return_result":
        data = e.data or {}
        receiver = "Người nộp hồ sơ"
        receiver_person = data.get("recipient") or ""
        method = data.get("method") or d.return_method
        notes.append(f"Trả kết quả: {ReturnMethod(method).label}")
        if data.get("tracking_number"):
            notes.append(f"Số vận đơn: {data['tracking_number']}")
    elif e.action == "transfer":
        receiver = _holder(e.to_unit.name, "SPECIALIST")
        notes.append(f"Chuyển liên thông, thời gian {(e.data or {}).get('hours', '')} giờ làm việc")
    else:  # forward, send_back
        to_name, to_role = steps.get(e.to_step_order, ("", ""))
        receiver = _holder(e.to_unit.name if e.to_unit else giver.name, to_role)
        if e.step_name and to_name:
            notes.append(f"{e.step_name} → {to_name}")
        if e.action == "send_back":
            notes.append("Trả lại bước trước")
    if e.note:
        notes.append(e.note)
    if e.step_due:
        notes.append(f"Hạn bước: {short_moment(e.step_due)}")
    return {
        "handover": True,
        "giver": _holder(giver.name, from_role),
        "receiver": receiver,
        "at": short_moment(e.at),
        "giver_person": e.actor_name,
        "receiver_person": receiver_person,
        "verdict": Verdict(e.verdict).label if e.verdict else "",
        "notes": notes,
    }


def _noted_row(d: Dossier, e: Event) -> dict:
    notes = [e.note] if e.note else []
    if e.action == "apologize" and (e.data or {}).get("new_due"):
        notes.append(f"Hẹn lại: {short_moment(datetime.fromisoformat(e.data['new_due']))}")
    if e.due_before and e.due_after and e.due_before != e.due_after:
        notes.append(f"Hạn trả kết quả lùi đến: {short_moment(e.due_after)}")
    return {
        "handover": False,
        "unit": (e.unit or d.receiving_unit).name,
        "label": TRANSITIONS[e.action].label,
        "at": short_moment(e.at),
        "giver_person": e.actor_name if e.role != "APPLICANT" else "",
        "verdict": Verdict(e.verdict).label if e.verdict else "",
        "notes": notes,
    }


BUILDERS = {
    "receipt": receipt,
    "supplement": supplement,
    "refusal": refusal,
    "apology": apology,
    "stop": stop,
    "control_slip": control_slip,
}


# --- the register ----------------------------------------------------------------------------


def period(date_from: date | datetime, date_to: date | datetime) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in Vietnam's time."""
    first = local(date_from).date() if isinstance(date_from, datetime) else date_from
    last = local(date_to).date() if isinstance(date_to, datetime) else date_to
    if last < first:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", code="invalid_period",
                          field="date_to")  # fmt: skip
    return (datetime.combine(first, time.min, TZ),
            datetime.combine(last + timedelta(days=1), time.min, TZ))  # fmt: skip


def register(unit: Unit, date_from, date_to) -> dict:
    """Sổ theo dõi hồ sơ: the dossiers the one-stop unit received in the period, in order of
    receipt. The form set is the one in force on the period's last day."""
    start, end = period(date_from, date_to)
    forms = rule_set_at(end - timedelta(hours=12)).forms
    spec = sets.spec(forms, sets.REGISTER)
    received = Dossier.objects.filter(
        receiving_unit=unit, received_at__gte=start, received_at__lt=end
    )
    dossiers = list(
        received.select_related("version", "competent_unit").order_by("received_at", "id")
    )
    handed = _first_handover(received)
    rows = [_register_row(n, d, handed.get(d.pk)) for n, d in enumerate(dossiers, start=1)]
    return {
        "kind": sets.REGISTER,
        "forms": forms,
        "form_number": spec.label,
        "title": spec.title,
        "circular": sets.CIRCULARS[forms],
        "issuer": issuer(unit, None),
        "period": f"Từ ngày {day_text(start)} đến ngày {day_text(end - timedelta(days=1))}",
        "rows": rows,
        "total": len(rows),
        "column_numbers": list(range(1, 14)),
    }


def _first_handover(dossiers) -> dict[int, Event]:
    """The first hand-over out of the desk, per dossier of the queryset, in one query."""
    first = {}
    events = Event.objects.filter(
        dossier__in=dossiers.values("pk"), action__in=["forward", "transfer", "resolve"]
    ).order_by("dossier_id", "seq")
    for event in events.select_related("to_unit"):
        first.setdefault(event.dossier_id, event)
    return first


def _register_row(number: int, d: Dossier, handed: Event | None) -> dict:
    notes = []
    if d.channel != "direct":
        notes.append(d.get_channel_display())
    if d.rescheduled_due_at:
        notes.append(f"Hẹn lại: {short_moment(d.rescheduled_due_at)}")
    if d.state != State.RETURNED:
        notes.append(State(d.state).label)
    if d.verdict:
        notes.append(Verdict(d.verdict).label)
    contact = ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x)
    return {
        "no": number,
        "code": d.code,
        "procedure": d.version.name,
        "sets": d.sets,
        "applicant": d.applicant_name,
        "contact": contact,
        "competent": d.competent_unit.name,
        "received": short_moment(d.received_at),
        "appointment": short_moment(d.original_due_at),
        "handed": short_moment(handed.at) if handed else "",
        # Where it went, when not simply to the resolving agency of column 7 (liên thông).
        "handed_to": _elsewhere(handed, d),
        "returned": short_moment(d.returned_at),
        "notes": notes,
    }


def _elsewhere(handed: Event | None, d: Dossier) -> str:
    if handed is None or handed.to_unit_id in (None, d.competent_unit_id):
        return ""
    return handed.to_unit.name
