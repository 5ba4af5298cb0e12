"""The counter (quầy): search the procedure, fill the receipt, print Mẫu 01 — or give
Mẫu 02 / Mẫu 03 instead of receiving."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from motcua.catalog import services as catalog
from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError
from motcua.dossiers.models import ApplicantType, ComponentForm, ReturnMethod
from motcua.workdays.deadlines import appointment_text

from .. import counter
from ..access import load_dossier, official_required, receiving_units
from ..models import Guidance, GuidanceKind
from .common import error_status, page


def _desk(request):
    """The one-stop unit the official receives at now (chosen, or their counter's, or the
    first of their scope); 403 for an official without a receiving role."""
    units = receiving_units(request.user)
    if not units:
        raise PermissionDenied("Bạn không có vai trò tiếp nhận hồ sơ tại Bộ phận Một cửa nào.")
    wanted = request.GET.get("don-vi") or request.POST.get("don-vi")
    if not wanted and (c := getattr(getattr(request.user, "official", None), "counter", None)):
        wanted = c.unit.code
    chosen = next((u for u in units if u.code == wanted), units[0])
    return chosen, units


@official_required
def start(request):
    unit, units = _desk(request)
    q = request.GET.get("q", "").strip()[:200]
    results = list(catalog.search(q)[:20]) if q else []
    context = {"unit": unit, "units": units, "q": q, "results": results, "nav": "counter"}
    if request.htmx and request.htmx.target == "thu-tuc-ket-qua":
        return page(request, "backoffice/partials/procedure_results.html", context)
    return page(request, "backoffice/counter_start.html", context)


@official_required
def intake(request, code: str):
    unit, units = _desk(request)
    procedure = get_object_or_404(Procedure, code=code)
    version = procedure.current_version
    if version is None or procedure.abolished:
        raise Http404("Thủ tục không còn tiếp nhận hồ sơ.")
    error, status = None, 200
    if request.method == "POST":
        kind = request.POST.get("kind", "receive")
        try:
            if kind == "receive":
                d = counter.receive(request.user, unit, version, request.POST, request.FILES)
                return redirect("backoffice:receipt", code=d.code)
            g = counter.give_guidance(request.user, unit, version, kind, request.POST)
            return redirect("backoffice:guidance", pk=g.pk)
        except DomainError as err:
            error, status = err, error_status(err)
    competent, default = counter.competent_choices(version, unit)
    posted = request.POST if request.method == "POST" else None
    context = {
        "unit": unit,
        "units": units,
        "v": version,
        "documents": _documents(version, posted),
        "fees": version.fees.all(),
        "competent": competent,
        "competent_default": default,
        "applicant": counter.applicant_from(posted) if posted else {"type": "citizen"},
        "applicant_types": ApplicantType.choices,
        "return_methods": ReturnMethod.choices,
        "posted": posted,
        "component_forms": FORMS,
        "fee_total": _money(sum(f.amount for f in version.fees.all())),
        "nav": "counter",
        **_errors(error),
    }
    return page(request, "backoffice/counter_intake.html", context, status=status)


# Fields the intake page shows errors beside; any other error goes on top of the form.
SHOWN = {
    "components", "file", "competent_unit", "return_address", "reason", "applicant_type",
    "applicant_id_number", "applicant_name", "applicant_address", "applicant_phone",
    "applicant_email", "applicant_representative_name", "applicant_representative_id_number",
}  # fmt: skip


def _errors(error: DomainError | None) -> dict:
    if error is None:
        return {"errors": {}, "general_error": ""}
    key = (error.field or "").replace(".", "_")
    if key in SHOWN:
        return {"errors": {key: error.message}, "general_error": ""}
    return {"errors": {}, "general_error": error.message}


def _money(amount) -> str:
    return f"{amount:,.0f}".replace(",", ".")


def _documents(version, posted) -> list[dict]:
    rows = []
    for doc in version.documents.all():
        ticked = bool(posted.get(f"doc_{doc.pk}")) if posted else not doc.optional
        form = posted.get(f"form_{doc.pk}") if posted else None
        rows.append(
            {
                "doc": doc,
                "ticked": ticked,
                "form": form or (ComponentForm.ORIGINAL if doc.originals else ComponentForm.COPY),
                "count": (posted.get(f"count_{doc.pk}") if posted else None)
                or max(doc.originals + doc.copies, 1),
            }
        )
    return rows


FORMS = [c for c in ComponentForm.choices if c[0] != ComponentForm.ELECTRONIC]


@official_required
def applicant_lookup(request):
    """htmx: refill the applicant fields from the latest dossier of that identity number."""
    number = request.GET.get("applicant_id_number", "")
    found = counter.known_applicant(request.user, number)
    applicant = found or {**counter.applicant_from(request.GET), "id_number": number.strip()}
    return page(
        request,
        "backoffice/partials/applicant_fields.html",
        {"applicant": applicant, "applicant_types": ApplicantType.choices, "found": found,
         "looked_up": True, "errors": {}},
    )  # fmt: skip


@official_required
def receipt(request, code: str):
    d = load_dossier(request, code)
    return page(
        request,
        "backoffice/receipt.html",
        {"d": d, "appointment": appointment_text(d.due_at) if d.due_at else "",
         "pdf": reverse("backoffice:print", args=[d.code, "receipt"])},
    )  # fmt: skip


@official_required
def guidance(request, pk: int):
    g = get_object_or_404(Guidance.objects.select_related("unit", "version", "official"), pk=pk)
    if not any(g.unit.path.startswith(u.path) for u in receiving_units(request.user)):
        raise PermissionDenied("Phiếu hướng dẫn này không thuộc đơn vị của bạn.")
    return page(
        request,
        "backoffice/guidance.html",
        {"g": g, "supplement": g.kind == GuidanceKind.SUPPLEMENT,
         "official": getattr(g.official, "official", None)},
    )  # fmt: skip
