"""Citizen-facing pages. Thin: they read through services and act through them."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts import services as accounts
from motcua.agencies.models import Unit
from motcua.catalog import services
from motcua.catalog.models import Field, Procedure, RequiredDocument
from motcua.core import attempts
from motcua.core.errors import DomainError, Forbidden, NotFound, TooManyAttempts
from motcua.documents import repository
from motcua.documents.services import store
from motcua.dossiers import queries
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.forms.services import definition_for
from motcua.ratings import services as ratings
from motcua.ratings.models import ELEMENTS, SCALE

from . import drafts
from . import services as portal
from .models import LifeEvent

citizen_required = login_required(login_url="accounts:login")


def domain_errors(view):
    """NotFound → 404, Forbidden → 403: a stranger learns nothing more than that."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden:
            raise PermissionDenied from None

    return wrapper


def _serve(stored, *, inline: bool = False):
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- finding a procedure --------------------------------------------------------------------


def home(request):
    fields = Field.objects.annotate(
        n=Count("versions", filter=Q(versions__status="PUBLISHED"))
    ).filter(n__gt=0)
    return render(
        request, "portal/home.html", {"fields": fields, "events": LifeEvent.objects.all()}
    )


def _units_with_procedures():
    return (
        Unit.objects.filter(procedure_versions__status="PUBLISHED")
        .distinct()
        .order_by("path")
        .only("code", "name")
    )


def procedure_list(request):
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field") or None
    unit = request.GET.get("unit") or None
    event = LifeEvent.objects.filter(slug=request.GET.get("su-kien") or "").first()
    results = services.search(q, field=field, unit=unit)
    if event:
        results = results.filter(procedure__code__in=event.procedure_codes)
    if unit:
        results = results.distinct()
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/procedure_list.html",
        {
            "q": q,
            "field": field,
            "unit": unit,
            "event": event,
            "page": page,
            "fields": Field.objects.all(),
            "units": _units_with_procedures(),
            "events": LifeEvent.objects.all(),
        },
    )


def procedure_detail(request, code: str):
    procedure = get_object_or_404(Procedure, code=code)
    version = procedure.current_version
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "v": version,
            "documents": version.documents.all(),
            "fees": version.fees.all(),
            "steps": version.steps.all(),
            "places": portal.places_for(version),
            "accepting": services.accepting_dossiers(procedure),
        },
    )


def document_template(request, code: str, pk: int):
    """The blank form (mẫu đơn, tờ khai) of a required document: public, like the page."""
    doc = get_object_or_404(
        RequiredDocument, pk=pk, version__procedure__code=code, version__status="PUBLISHED"
    )
    if not doc.template:
        raise Http404
    return FileResponse(doc.template.open("rb"), as_attachment=True)


# --- submitting online ----------------------------------------------------------------------


@citizen_required
@domain_errors
def start_submission(request, code: str):
    procedure = get_object_or_404(Procedure, code=code)
    version = procedure.current_version
    if version is None or not services.accepting_dossiers(procedure):
        raise Http404
    try:
        draft = drafts.open_draft(request.user, version)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("portal:procedure", code=code)
    return redirect("portal:draft", pk=draft.pk)


@citizen_required
@domain_errors
def draft_edit(request, pk: int):
    draft = drafts.get_draft(request.user, pk)
    if draft.submitted:
        return redirect("portal:receipt", code=draft.dossier.code)
    errors: dict[str, str] = {}
    if request.method == "POST":
        outcome = drafts.save(draft, request.POST, request.FILES)
        errors = outcome.errors
        if request.POST.get(drafts.ACTION) == "prefill" and not errors:
            try:
                drafts.refill_applicant(draft, request.user)
            except DomainError as e:
                errors = {"on_behalf": e.message}
            else:
                return redirect("portal:draft", pk=draft.pk)
        elif request.POST.get(drafts.ACTION) == "submit" and not errors:
            outcome = drafts.submit(draft, request.user)
            errors = outcome.errors
            if outcome.dossier:
                return redirect("portal:receipt", code=outcome.dossier.code)
        elif not errors:
            messages.success(request, "Đã lưu hồ sơ nháp. Bạn có thể quay lại hoàn thiện sau.")
            return redirect("portal:draft", pk=draft.pk)
        draft.refresh_from_db()
    return render(
        request,
        "portal/draft.html",
        _draft_context(request, draft, errors),
        status=422 if errors else 200,
    )


def _draft_context(request, draft, errors: dict) -> dict:
    version = draft.version
    definition = definition_for(version)
    return {
        "draft": draft,
        "v": version,
        "definition": definition,
        "values": drafts.form_data(draft),
        "stored": _stored(request.user, draft, definition),
        "errors": errors,
        "general_error": errors.get(drafts.GENERAL, ""),
        "places": portal.places_for(version),
        "return_methods": drafts.return_methods(version),
        "representations": accounts.active_representations(request.user),
        "profile": accounts.profile_of(request.user),
        "fees": version.fees.all(),
    }


REPOSITORY_OFFERS = 10  # besides the look-alikes, the most recent items of the repository


def _stored(user, draft, definition) -> dict[str, list[dict]]:
    """Per attachment, the files the citizen may tick instead of uploading: those already
    attached to the draft, then items of their e-data repository (look-alikes first)."""
    files = list(draft.files.select_related("file", "reused_from"))
    offered = [a for a in definition.all_attachments if a.offered]
    suggestions = repository.suggestions(user, [a.document for a in offered])
    recent = list(repository.items_for(user)[:REPOSITORY_OFFERS])
    stored = {}
    for a in offered:
        mine = [f for f in files if f.document_id == a.document.pk]
        taken = {f.file_id for f in mine}
        rows = [
            {"ref": f"{drafts.UPLOADED}:{f.pk}", "reused": False,
             "name": f"{f.file.name} — đã đính kèm" + (" (từ kho dữ liệu)" if f.reused else "")}
            for f in mine
        ]  # fmt: skip
        items = suggestions.get(a.document.pk, []) + recent
        seen = set()
        for i in items:
            if i.file_id in taken or i.pk in seen:
                continue
            seen.add(i.pk)
            source = f", hồ sơ {i.source_code}" if i.source_code else ""
            rows.append(
                {"ref": f"{drafts.REPOSITORY}:{i.pk}", "reused": True,
                 "name": f"{i.name} — {i.file.name} (kho dữ liệu{source})"}
            )  # fmt: skip
        stored[a.key] = rows
    return stored


@citizen_required
@domain_errors
@require_POST
def draft_delete(request, pk: int):
    drafts.delete_draft(drafts.get_draft(request.user, pk))
    messages.success(request, "Đã xóa hồ sơ nháp.")
    return redirect("portal:my_dossiers")


def _own_dossier(request, code: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related("version__procedure", "receiving_unit", "competent_unit")
        .filter(code=code, owner=request.user)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@citizen_required
def receipt(request, code: str):
    dossier = _own_dossier(request, code)
    return render(request, "portal/receipt.html", {"d": dossier})


# --- my dossiers ------------------------------------------------------------------------------


@citizen_required
def my_dossiers(request):
    page = Paginator(portal.my_dossiers(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/my_dossiers.html",
        {"page": page, "drafts": drafts.drafts_of(request.user)},
    )


@citizen_required
def dossier_detail(request, code: str):
    dossier = _own_dossier(request, code)
    return render(request, "portal/dossier_detail.html", _dossier_context(request, dossier))


def _dossier_context(request, dossier, **extra) -> dict:
    actions = {t.action for t in dossiers.available_actions(dossier, request.user)}
    # Reverse one-to-one accessors raise an AttributeError subclass when there is no row.
    draft = getattr(dossier, "portal_draft", None)
    return {
        "d": dossier,
        "history": portal.history(dossier),
        "request_event": (request_event := portal.pending_request(dossier)),
        "request_items": portal.request_items(request_event),
        "answer_action": a if (a := portal.answer_action(dossier)) in actions else None,
        "can_withdraw": "withdraw" in actions,
        "result_available": portal.result_available(dossier),
        "components": dossier.components.select_related("file"),
        "can_rate": ratings.can_rate(dossier, user=request.user),
        "rating": getattr(dossier, "rating", None),
        "form_values": _form_values(draft),
        **extra,
    }


def _form_values(draft) -> list[tuple[str, str]]:
    if draft is None:
        return []
    definition = definition_for(draft.version)
    values = draft.values.get("form") or {}
    out = []
    for f in definition.all_fields:
        value = values.get(f.key)
        if isinstance(value, list):
            value = ", ".join(value)
        if value:
            out.append((f.label, value))
    return out


@citizen_required
def dossier_file(request, code: str, pk: int):
    dossier = _own_dossier(request, code)
    component = get_object_or_404(dossier.components.select_related("file"), pk=pk)
    if component.file is None:
        raise Http404
    return _serve(component.file)


@citizen_required
def result_file(request, code: str):
    dossier = _own_dossier(request, code)
    if not portal.result_available(dossier):
        raise Http404
    return _serve(dossier.result_file)


@citizen_required
@require_POST
def answer_supplement(request, code: str):
    dossier = _own_dossier(request, code)
    action = portal.answer_action(dossier)
    if action is None:
        messages.error(request, "Hồ sơ không có yêu cầu bổ sung nào đang chờ.")
        return redirect("portal:dossier", code=code)
    note = request.POST.get("note", "").strip()
    errors = {}
    components = []
    for upload in request.FILES.getlist("files"):
        try:
            components.append({"file": store(upload.read(), upload.name, user=request.user),
                               "name": f"Bổ sung: {upload.name}"[:500]})  # fmt: skip
        except DomainError as e:
            errors["files"] = e.message
    if not components and not note and "files" not in errors:
        errors["files"] = "Vui lòng đính kèm giấy tờ bổ sung hoặc ghi nội dung giải trình."
    if not errors:
        try:
            dossiers.act(dossier, action, request.user, note=note, components=components)
        except DomainError as e:
            errors["files"] = e.message
        else:
            messages.success(request, "Đã gửi hồ sơ bổ sung.")
            return redirect("portal:dossier", code=code)
    return render(
        request,
        "portal/dossier_detail.html",
        _dossier_context(request, dossier, supplement_errors=errors, supplement_note=note),
        status=422,
    )


@citizen_required
@require_POST
def withdraw(request, code: str):
    dossier = _own_dossier(request, code)
    reason = request.POST.get("reason", "").strip()
    if not request.POST.get("confirm"):
        return render(
            request,
            "portal/dossier_detail.html",
            _dossier_context(
                request, dossier,
                withdraw_error="Vui lòng đánh dấu xác nhận dừng giải quyết hồ sơ.",
                withdraw_reason=reason,
            ),
            status=422,
        )  # fmt: skip
    try:
        dossiers.act(dossier, "withdraw", request.user, reason=reason)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Đã gửi yêu cầu dừng giải quyết; hồ sơ đã được rút.")
    return redirect("portal:dossier", code=code)


# --- repository -----------------------------------------------------------------------------


@citizen_required
def repository_list(request):
    items = repository.items_for(request.user).select_related("dossier")
    return render(request, "portal/repository.html", {"items": items})


@citizen_required
@domain_errors
def repository_file(request, pk: int):
    return _serve(repository.take(request.user, pk).file)


# --- public tracking and rating -------------------------------------------------------------


def track(request):
    code = request.GET.get("ma", "").strip()
    factor = request.GET.get("xac-minh", "").strip()
    context = {"code": code, "factor": factor, "d": None, "error": ""}
    if code and factor:
        try:
            dossier = queries.track(code, factor, client=attempts.client_address(request))
        except (NotFound, TooManyAttempts) as e:
            context["error"] = e.message
        else:
            context |= {
                "d": dossier,
                "history": portal.history(dossier),
                "request_event": (request_event := portal.pending_request(dossier)),
                "request_items": portal.request_items(request_event),
                "rate_token": ratings.token_for(dossier)
                if ratings.can_rate(dossier, token=ratings.token_for(dossier))
                else "",
            }
    elif code or factor:
        context["error"] = "Vui lòng nhập cả mã hồ sơ và số điện thoại hoặc số định danh."
    return render(request, "portal/track.html", context, status=200)


def rate(request, code: str):
    token = request.GET.get("t") or request.POST.get("t") or ""
    dossier = Dossier.objects.select_related("version", "receiving_unit").filter(code=code).first()
    user = request.user if request.user.is_authenticated else None
    if dossier is None or not (
        (user and dossier.owner_id == user.pk) or ratings.token_valid(dossier, token)
    ):
        raise Http404  # a code alone says nothing, not even that the dossier exists
    existing = getattr(dossier, "rating", None)
    errors: dict[str, str] = {}
    posted = {}
    if request.method == "POST" and existing is None:
        posted = {key: request.POST.get(key, "") for key, _ in ELEMENTS}
        liked = {"1": True, "0": False}.get(request.POST.get("liked", ""))
        try:
            ratings.rate(
                dossier,
                scores=posted,
                liked=liked,
                comment=request.POST.get("comment", ""),
                user=user,
                token=token,
            )
        except ratings.InvalidRating as e:
            errors = e.errors
        except DomainError as e:
            errors = {"general": e.message}
        else:
            messages.success(
                request, "Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp cải thiện dịch vụ."
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "portal/rate.html",
        {
            "d": dossier,
            "rating": existing,
            "rateable": dossier.state in ratings.RATEABLE,
            "elements": [
                {"key": k, "label": label, "value": posted.get(k, ""), "error": errors.get(k, "")}
                for k, label in ELEMENTS
            ],
            "scale": SCALE,
            "errors": errors,
            "liked": request.POST.get("liked", ""),
            "comment": request.POST.get("comment", ""),
            "token": token,
        },
        status=422 if errors else 200,
    )
