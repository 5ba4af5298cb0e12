"""The official forms of a dossier as PDFs (TT 01/2018 and TT 03/2025, domain.md §2, R-FORM).

    render_form(dossier, "receipt")   -> PDF bytes of Mẫu 01 (and so on, FORM_KINDS)
    render_register(unit, from, to)   -> PDF bytes of the Sổ theo dõi hồ sơ
    form_title(dossier, kind)         -> "Mẫu số 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    form_data(dossier, kind)          -> the same form as plain data (JSON-able)

The set is the dossier's (``rules.BY_CODE[dossier.rule_set].forms``): a dossier received
before 15/09/2025 keeps printing TT 01/2018 forms. Forms that follow an event (supplement,
refusal, apology, stop) read it from the event log and raise
``DomainError(code="form_not_available")`` while there is none; the stop notice exists only
in TT 03/2025 (``form_not_in_rule_set`` for older dossiers). Nothing here checks who asks:
callers check that the user may see the dossier (``dossiers.queries.visible_to``) first.
"""

from datetime import date, datetime

from motcua.agencies.models import Unit
from motcua.dossiers.models import Dossier

from . import context, sets
from .pdf import SIGNATURE_ANCHOR, qr_data_uri, render_pdf, tracking_url
from .sets import FORM_KINDS

__all__ = [
    "FORM_KINDS",
    "SIGNATURE_ANCHOR",
    "form_data",
    "form_title",
    "render_form",
    "render_register",
    "tracking_url",
]


def form_title(dossier: Dossier, kind: str) -> str:
    """ "Mẫu số 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả" for a TT 01/2018 dossier."""
    spec = sets.spec(sets.forms_of(dossier.rule_set), kind)
    return f"{spec.label} — {spec.title}"


def form_data(dossier: Dossier | str, kind: str) -> dict:
    """What the form of ``kind`` says about ``dossier``, as plain data."""
    d = context.load(dossier)
    sets.spec(sets.forms_of(d.rule_set), kind)  # unknown kind or not in the set: raise first
    return context.BUILDERS[kind](d, context.events_of(d))


def render_form(dossier: Dossier | str, kind: str) -> bytes:
    """The form of ``kind`` (one of FORM_KINDS) for ``dossier``, as PDF bytes."""
    data = form_data(dossier, kind)
    qr = qr_data_uri(data["tracking_url"]) if data["tracking_url"] else ""
    template = sets.spec(data["forms"], kind).template
    return render_pdf(template, {**data, "qr": qr})


def render_register(unit: Unit, date_from: date | datetime, date_to: date | datetime) -> bytes:
    """Sổ theo dõi hồ sơ of ``unit`` (a one-stop unit) for the days ``date_from``..``date_to``
    inclusive: TT 03/2025 Mẫu 07, or TT 01/2018 Mẫu 06 for a period ending before
    15/09/2025."""
    data = context.register(unit, date_from, date_to)
    return render_pdf(sets.spec(data["forms"], sets.REGISTER).template, data)
