"""The dossier page: everything about one dossier and the actions its official may take.

Actions post to ``/can-bo/ho-so/<code>/thao-tac/<action>/`` with the page's ``row_version``;
with htmx the dossier panel is swapped in place, without it the page reloads (both work).
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError
from motcua.documents.models import StoredFile
from motcua.dossiers import services
from motcua.dossiers.models import Component, State
from motcua.dossiers.queries import visible_to
from motcua.dossiers.transitions import TRANSITIONS
from motcua.workdays.deadlines import appointment_text

from .. import actions, counter, inbox
from ..access import load_dossier, official_required
from ..models import Note
from .common import error_status, page

# Official forms that can be printed, and when a dossier has one.
PRINTABLE = [
    ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)"),
    ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"),
    ("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"),
    ("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"),
    ("stop", "Thông báo dừng giải quyết hồ sơ"),
    ("control_slip", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
]
PRINT_KINDS = dict(PRINTABLE)


def _printable(d, events) -> list[tuple[str, str]]:
    done = {e.action for e in events}
    have = {
        "receipt": d.received_at is not None,
        "supplement": bool(done & {"request_supplement", "request_intake_supplement"}),
        "refusal": d.state == State.REJECTED,
        "apology": d.apologies > 0,
        "stop": d.state == State.WITHDRAWN,
        "control_slip": d.received_at is not None,
    }
    found = []
    for kind, label in PRINTABLE:
        if not have[kind]:
            continue
        try:
            from motcua.dossiers.printing import form_title

            label = form_title(d, kind)  # the number the dossier's rule set gives the form
        except ImportError:
            pass
        except DomainError:
            continue  # not in this dossier's form set (the stop notice before TT 03/2025)
        found.append((kind, label))
    return found


def _context(request, d, error=None, posted=None) -> dict:
    now = timezone.now()
    events = list(d.events.select_related("unit", "to_unit").order_by("seq"))
    running = d.state in inbox.OPEN and d.paused_at is None
    steps = list(d.version.steps.all())
    forms = actions.forms_for(d, request.user, error, posted)
    # A refused action no longer on offer (someone else acted first): say why on top.
    orphan = error and not any(f.action == error[0] for f in forms)
    return {
        "d": d,
        "components": list(d.components.select_related("file")),
        "fees": list(d.fees.all()),
        "events": events,
        "notes": list(Note.objects.filter(dossier=d).select_related("file")),
        "forms": forms,
        "panel_error": error[1].message if orphan else "",
        "steps": steps,
        "dossier_clock": inbox.clock(d.due_at, d.competent_unit, now) if running else None,
        "step_clock": inbox.clock(d.step_due_at, d.current_unit, now) if running else None,
        "appointment": appointment_text(d.due_at) if d.due_at else "",
        "rescheduled": appointment_text(d.rescheduled_due_at) if d.rescheduled_due_at else "",
        "needs_apology": services.needs_apology(d, now),
        "overdue": services.is_overdue(d, now),
        "printable": _printable(d, events),
        "now": now,
    }


@official_required
def dossier(request, code: str):
    d = load_dossier(request, code)
    context = _context(request, d)
    if request.htmx and request.htmx.target == "ho-so":
        return page(request, "backoffice/partials/dossier_panel.html", context)
    return page(request, "backoffice/dossier.html", context)


@official_required
@require_POST
def act(request, code: str, action: str):
    d = load_dossier(request, code)
    if action not in TRANSITIONS:
        raise Http404("Không có thao tác này.")
    label = TRANSITIONS[action].label
    try:
        d = actions.take(d, action, request.user, request.POST, request.FILES)
    except DomainError as err:
        d = load_dossier(request, code)
        context = _context(request, d, error=(action, err), posted=request.POST)
        context["failed"] = action
        template = "backoffice/partials/dossier_panel.html" if request.htmx else None
        return page(request, template or "backoffice/dossier.html", context, error_status(err))
    done = f"Đã thực hiện: {label}."
    if not visible_to(request.user).filter(pk=d.pk).exists():
        # Handed to a unit outside the official's scope (liên thông back, say): done here.
        messages.success(request, f"{done} Hồ sơ {d.code} đã chuyển khỏi đơn vị của bạn.")
        return _go(request, reverse("backoffice:home"))
    messages.success(request, done)
    if request.htmx:
        d = load_dossier(request, code)
        return page(request, "backoffice/partials/dossier_panel.html", _context(request, d))
    return redirect("backoffice:dossier", code=d.code)


def _go(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@official_required
@require_POST
def add_note(request, code: str):
    d = load_dossier(request, code)
    try:
        counter.add_note(request.user, d, request.POST.get("text", ""), request.FILES.get("file"))
        messages.success(request, "Đã lưu ghi chú nội bộ.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(reverse("backoffice:dossier", args=[d.code]) + "#ghi-chu")


@official_required
@xframe_options_sameorigin
def file(request, code: str, file_id: int):
    """A component, result or note file of a dossier the official may see; never MEDIA_URL."""
    d = load_dossier(request, code)
    belongs = (
        d.result_file_id == file_id
        or Component.objects.filter(dossier=d, file_id=file_id).exists()
        or Note.objects.filter(dossier=d, file_id=file_id).exists()
    )
    stored = StoredFile.objects.filter(pk=file_id).first() if belongs else None
    if stored is None:
        raise Http404("Không tìm thấy tệp của hồ sơ này.")
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = _inline(stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


def _inline(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode() or "tep"
    ascii_name = ascii_name.replace('"', "")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@official_required
def print_form(request, code: str, kind: str):
    """An official form of the dossier as PDF (the printing package renders it)."""
    d = load_dossier(request, code)
    if kind not in PRINT_KINDS:
        raise Http404("Không có biểu mẫu này.")
    try:
        from motcua.dossiers.printing import render_form
    except ImportError:
        raise Http404("Chức năng in biểu mẫu chưa sẵn sàng.") from None
    try:
        pdf = render_form(d, kind)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("backoffice:dossier", code=d.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _inline(f"{d.code}-{kind}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
