"""The action forms of the dossier page, generated from the transition table.

``available_actions(dossier, user)`` says which transitions the official may take now; this
module says which inputs each one needs, offers the choices (officials holding the step's
role, earlier steps, units of the province), and turns a submitted form into the keyword
parameters of ``dossiers.services.act``. It decides nothing: the service checks everything
again and its ``DomainError`` is shown next to the field it names.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.agencies.models import RoleAssignment, Unit
from motcua.core.errors import DomainError
from motcua.documents.services import store
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.dossiers.transitions import Transition
from motcua.workdays.calendar import TZ

# The inputs of each action (besides ``expected_version``, which every form posts).
FIELDS: dict[str, list[str]] = {
    "receive": ["note"],
    "request_intake_supplement": ["items", "reason"],
    "refuse": ["reason"],
    "assign": ["assignee"],
    "forward": ["next_assignee", "note"],
    "send_back": ["to_step", "reason"],
    "transfer": ["to_unit", "hours", "reason"],
    "request_supplement": ["items", "reason", "acknowledge_late"],
    "complete_supplement": ["note"],
    "lapse_supplement": ["reason"],
    "request_payment": ["amount", "reason"],
    "confirm_payment": ["paid_online", "note"],
    "not_eligible": ["reason"],
    "resolve": ["result_file", "result_number", "e_result", "note"],
    "return_result": ["method", "recipient", "tracking_number"],
    "withdraw": ["reason"],
    "apologize": ["reason", "new_due_date", "new_due_time"],
}
# Actions that change who holds the dossier or end its work: shown as the main buttons.
PRIMARY = {"receive", "forward", "resolve", "return_result", "assign", "complete_supplement"}
# Buttons that cannot be undone ask once more (a small static script reads data-confirm).
CONFIRM = {"refuse", "not_eligible", "withdraw", "lapse_supplement"}

STYLES = {"receive": "primary", "forward": "primary", "resolve": "primary"}


@dataclass
class ActionForm:
    """One small form on the dossier page."""

    t: Transition
    fields: list[str]
    choices: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    error: DomainError | None = None

    @property
    def action(self) -> str:
        return self.t.action

    @property
    def label(self) -> str:
        return self.t.label

    @property
    def primary(self) -> bool:
        return self.t.action in PRIMARY

    @property
    def confirm(self) -> bool:
        return self.t.action in CONFIRM

    @property
    def multipart(self) -> bool:
        return "result_file" in self.fields

    def error_for(self, name: str) -> str:
        if self.error is None:
            return ""
        target = {"assignee": "next_assignee"} if self.t.action == "forward" else {}
        err_field = target.get(self.error.field, self.error.field)
        if err_field == name or (name == "new_due_date" and err_field == "new_due"):
            return self.error.message
        return ""

    @property
    def general_error(self) -> str:
        if self.error is None:
            return ""
        named = {self.error.field, "next_assignee" if self.error.field == "assignee" else None}
        if named & set(self.fields) or (self.error.field == "new_due"):
            return ""
        return self.error.message


def forms_for(d: Dossier, user, error: tuple[str, DomainError] | None = None, posted=None):
    """An ``ActionForm`` for every action ``user`` may take on ``d`` now."""
    found = []
    for t in services.available_actions(d, user):
        names = FIELDS.get(t.action, ["note"])
        form = ActionForm(t, names, choices=_choices(d, t.action, names))
        if error and error[0] == t.action:
            form.error = error[1]
            form.values = {k: posted.get(k, "") for k in names} if posted else {}
        found.append(form)
    return found


def _choices(d: Dossier, action: str, names: list[str]) -> dict:
    out: dict = {}
    if "assignee" in names:
        out["assignee"] = holders(d.step_role, d.current_unit)
    if "next_assignee" in names:
        step = next_step(d)
        if step is not None:
            out["next_step"] = step
            out["next_assignee"] = holders(step.role, services.step_unit(d, step))
    if "to_step" in names:
        out["to_step"] = [s for s in d.version.steps.all() if s.order < (d.step_order or 0)]
    if "to_unit" in names:
        out["to_unit"] = list(
            Unit.objects.filter(active=True).exclude(pk=d.current_unit_id).order_by("path")
        )
    if "items" in names:
        out["items"] = [c.name for c in d.components.all()] or [
            doc.name for doc in d.version.documents.all()
        ]
    if "method" in names:
        out["method"] = ReturnMethod.choices
        out["method_default"] = d.return_method
    if "acknowledge_late" in names:
        out["second_request"] = d.supplement_requests >= 1
    return out


def next_step(d: Dossier):
    """The step ``forward`` leads to (back to where a liên thông started, or the next one)."""
    steps = list(d.version.steps.all())
    wanted = d.lien_thong_from_step or (d.step_order or 0) + 1
    return next((s for s in steps if s.order == wanted), None)


def holders(role: str, unit: Unit) -> list:
    """Officials holding ``role`` at ``unit`` or above it (``scope.has_role``'s rule)."""
    prefixes = _prefixes(unit.path)
    return [
        a.official
        for a in RoleAssignment.objects.filter(role=role, unit__path__in=prefixes)
        .select_related("official__user")
        .order_by("official__full_name")
    ]


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# --- from a posted form to the service's parameters --------------------------------------------


def params(action: str, post, files, user) -> dict:
    """The keyword arguments of ``services.act`` for ``action``; DomainError on bad input."""
    names = FIELDS.get(action, ["note"])
    out: dict = {}
    for name in names:
        parse = PARSERS.get(name)
        if parse is not None:
            out.update(parse(post, files, user))
    if out.get("result_file"):
        out["e_result"] = True  # an attached result is the electronic result
    return out


def _text(name: str):
    return lambda post, files, user: {name: post.get(name, "").strip()}


def _flag(name: str):
    return lambda post, files, user: {name: post.get(name) in ("1", "on", "true")}


def _items(post, files, user) -> dict:
    items = [i.strip() for i in post.getlist("items") if i.strip()]
    items += [line.strip() for line in post.get("items_other", "").splitlines() if line.strip()]
    return {"items": items}


def _user(name: str, key: str):
    def parse(post, files, user) -> dict:
        raw = post.get(name, "").strip()
        if not raw:
            return {key: None}
        found = get_user_model().objects.filter(official__pk=_int(raw, name)).first()
        if found is None:
            raise DomainError("Cán bộ được chọn không tồn tại.", code="invalid_assignee", field=key)
        return {key: found}

    return parse


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise DomainError("Giá trị không hợp lệ.", code="invalid_value", field=name) from None


def _to_step(post, files, user) -> dict:
    raw = post.get("to_step", "").strip()
    return {"to_step": _int(raw, "to_step") if raw else None}


def _amount(post, files, user) -> dict:
    raw = post.get("amount", "").replace(".", "").replace(",", "").replace(" ", "").strip()
    if not raw:
        return {"amount": None}
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if value < 0:
        raise DomainError(
            "Số tiền phải là số đồng không âm (ví dụ 1.500.000).",
            code="invalid_amount",
            field="amount",
        )
    return {"amount": value}


def _new_due(post, files, user) -> dict:
    day, clock = post.get("new_due_date", "").strip(), post.get("new_due_time", "").strip()
    if not day:
        raise DomainError(
            "Vui lòng chọn ngày hẹn trả kết quả mới.", code="new_due_required", field="new_due"
        )
    try:
        moment = datetime.combine(
            datetime.strptime(day, "%Y-%m-%d").date(),
            datetime.strptime(clock, "%H:%M").time() if clock else time(17, 0),
            TZ,
        )
    except ValueError:
        raise DomainError(
            "Ngày giờ hẹn trả không hợp lệ.", code="invalid_datetime", field="new_due"
        ) from None
    return {"new_due": moment}


def _result_file(post, files, user) -> dict:
    upload = files.get("result_file")
    if not upload:
        return {}
    data = upload.read()
    stored = store(data, upload.name, user=user)
    if stored.content_type != "application/pdf":
        raise DomainError(
            "Kết quả giải quyết phải là tệp PDF.", code="result_not_pdf", field="result_file"
        )
    return {"result_file": stored, "e_result": True}


PARSERS = {
    "reason": _text("reason"),
    "note": _text("note"),
    "items": _items,
    "assignee": _user("assignee", "assignee"),
    "next_assignee": _user("next_assignee", "assignee"),
    "to_step": _to_step,
    "to_unit": _text("to_unit"),
    "hours": _text("hours"),
    "acknowledge_late": _flag("acknowledge_late"),
    "amount": _amount,
    "paid_online": _flag("paid_online"),
    "e_result": _flag("e_result"),
    "result_file": _result_file,
    "result_number": _text("result_number"),
    "method": _text("method"),
    "recipient": _text("recipient"),
    "tracking_number": _text("tracking_number"),
    "new_due_date": _new_due,
}


def take(d: Dossier, action: str, user, post, files) -> Dossier:
    """Parse and act in one transaction, so a refused action keeps no uploaded result."""
    raw = post.get("expected_version", "").strip()
    expected = _int(raw, "expected_version") if raw else None
    with transaction.atomic():
        kwargs = params(action, post, files, user)
        return services.act(d, action, user, expected_version=expected, **kwargs)
