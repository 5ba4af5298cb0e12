"""The form builder for officials (Quản trị đơn vị, Quản trị cấp tỉnh).

Server-rendered pages that post small changes and come back to the builder, so an
official builds a form with keyboard and mouse and no waiting. Thin: who may do what and
every rule live in ``services``; a refused change comes back as a message or as errors next
to the fields, with what was typed kept.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from motcua.agencies.scope import unit_paths
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.core.errors import DomainError, Forbidden

from . import services
from .builder_forms import FieldForm
from .models import CHOICE_TYPES, DefinitionStatus, FormDefinition, FormField, Requirement
from .templatetags.online_forms import condition_text
from .validation import FieldError

# Shown in the preview in place of the applicant's account, to show what is filled in.
SAMPLE_PROFILE = {
    "name": "Nguyễn Văn Mẫu",
    "id_number": "037090000001",
    "phone": "0912345678",
    "email": "nguyenvanmau@example.vn",
    "address": "Thôn Đông, xã Gia Viễn, tỉnh Ninh Bình",
}


def builder_url(version: ProcedureVersion, anchor: str = "") -> str:
    return reverse("forms:builder", args=[version.procedure.code, version.number]) + anchor


def _version(request, code: str, number: int) -> ProcedureVersion:
    """The version, 404 if unknown, 403 if the user may not build its form."""
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("procedure", "field"),
        procedure__code=code,
        number=number,
    )
    if not services.can_edit(request.user, version):
        raise PermissionDenied("Bạn không có quyền xây dựng biểu mẫu của thủ tục này.")
    return version


def builder_action(view):
    """A POST that changes a form: refusals come back to the builder as a message."""

    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request, code: str, number: int, *args, **kwargs):
        version = _version(request, code, number)
        try:
            return view(request, version, *args, **kwargs)
        except Forbidden as e:
            raise PermissionDenied(e.message) from e
        except DomainError as e:
            messages.error(request, e.message)
            return redirect(builder_url(version))

    return wrapper


def _draft(version: ProcedureVersion) -> FormDefinition:
    draft = services.draft_definition(version)
    if draft is None:
        raise DomainError(
            "Biểu mẫu đang công bố không sửa trực tiếp được; hãy bấm «Sửa biểu mẫu» để tạo "
            "bản sửa đổi.",
            code="no_draft",
        )
    return draft


# --- list ---------------------------------------------------------------------------------


def form_state(live: list[FormDefinition]) -> str:
    published = next((d for d in live if d.status == DefinitionStatus.PUBLISHED), None)
    draft = next((d for d in live if d.status == DefinitionStatus.DRAFT), None)
    if published and draft:
        return f"Đã công bố (lần {published.revision}), đang soạn bản sửa đổi"
    if published:
        return f"Đã công bố (lần {published.revision})"
    if draft:
        return "Đang soạn, chưa công bố"
    return "Chưa xây dựng (đang dùng biểu mẫu mặc định)"


@login_required
def procedure_list(request):
    if not unit_paths(request.user, services.EDITOR_ROLES):
        raise PermissionDenied("Chỉ quản trị đơn vị hoặc quản trị cấp tỉnh xây dựng biểu mẫu.")
    q = request.GET.get("q", "").strip()
    versions = services.editable_versions(request.user, q).prefetch_related(
        Prefetch(
            "form_definitions",
            queryset=FormDefinition.objects.exclude(status=DefinitionStatus.SUPERSEDED),
            to_attr="live_forms",
        )
    )
    page = Paginator(versions, 30).get_page(request.GET.get("page"))
    rows = [{"v": v, "state": form_state(v.live_forms)} for v in page]
    return render(request, "forms/list.html", {"q": q, "page": page, "rows": rows})


@login_required
def procedure_forms(request, code: str):
    """A procedure's form: that of its published version, or of its draft if none."""
    procedure = get_object_or_404(Procedure, code=code)
    version = (
        procedure.current_version or procedure.versions.filter(status=VersionStatus.DRAFT).first()
    )
    if version is None:
        raise PermissionDenied("Thủ tục chưa có phiên bản nào.")
    version = _version(request, code, version.number)
    return redirect(builder_url(version))


# --- the builder page -------------------------------------------------------------------


def _attachment_rows(definition, post=None, errors=None) -> list[dict]:
    rows = []
    for a in definition.all_attachments:
        d = a.document_id
        if post is not None:
            values = {
                "requirement": post.get(f"req-{d}", ""),
                "accept_reuse": bool(post.get(f"reuse-{d}")),
                "show_if_field": post.get(f"cond-{d}", ""),
                "show_if_value": post.get(f"condval-{d}", ""),
            }
        else:
            values = {
                "requirement": a.requirement,
                "accept_reuse": a.accept_reuse,
                "show_if_field": a.show_if_field,
                "show_if_value": a.show_if_value,
            }
        rows.append({"a": a, "values": values, "error": (errors or {}).get(a.key, "")})
    return rows


def _field_rows(definition) -> list[dict]:
    fields = definition.all_fields
    by_key = {f.key: f for f in fields}
    return [{"f": f, "condition": condition_text(f, by_key, "điền")} for f in fields]


def _render_builder(request, version, *, add_form=None, attachment_post=None,
                    attachment_errors=None, status=200):  # fmt: skip
    published, draft = services.open_for_builder(version, request.user)
    definition = draft or published
    other = (
        version.procedure.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.PUBLISHED])
        .exclude(pk=version.pk)
        .first()
    )
    context = {
        "version": version,
        "procedure": version.procedure,
        "published": published,
        "draft": draft,
        "definition": definition,
        "other_version": other,
        "online": version.online_level in services.ONLINE,
        "requirements": Requirement.choices,
        "choice_types": " ".join(sorted(CHOICE_TYPES)),
        "focus_add": "them" in request.GET,
    }
    if definition is not None:
        context["field_rows"] = _field_rows(definition)
        context["attachments"] = _attachment_rows(definition, attachment_post, attachment_errors)
        context["field_choices"] = [(f.key, f.label) for f in definition.all_fields]
    if draft is not None:
        add_form = (add_form or FieldForm(definition=draft)).wire()
        if context["focus_add"] or add_form.errors:
            add_form.fields["label"].widget.attrs["autofocus"] = True
        context["add_form"] = add_form
        context["problems"] = services.publish_problems(draft)
    return render(request, "forms/builder.html", context, status=status)


@login_required
def builder(request, code: str, number: int):
    version = _version(request, code, number)
    return _render_builder(request, version)


@builder_action
def start(request, version):
    services.start(version, request.user, from_default=request.POST.get("mau") == "mac-dinh")
    return redirect(builder_url(version, "?them=1#them-truong"))


@builder_action
def add_field(request, version):
    draft = _draft(version)
    form = FieldForm(request.POST, definition=draft)
    if form.is_valid():
        try:
            field = services.save_field(draft, form.apply(FormField()), request.user)
        except FieldError as e:
            for name, message in e.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, f"Đã thêm trường «{field.label}».")
            return redirect(builder_url(version, "?them=1#them-truong"))
    return _render_builder(request, version, add_form=form, status=422)


@login_required
def edit_field(request, code: str, number: int, pk: int):
    version = _version(request, code, number)
    try:
        draft = _draft(version)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(builder_url(version))
    field = get_object_or_404(FormField, pk=pk, definition=draft)
    if request.method == "POST":
        form = FieldForm(request.POST, definition=draft, field=field)
        if form.is_valid():
            try:
                services.save_field(draft, form.apply(field), request.user)
            except FieldError as e:
                for name, message in e.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"Đã lưu trường «{field.label}».")
                return redirect(builder_url(version, "#cac-truong"))
        field.refresh_from_db()
    else:
        form = FieldForm(initial=FieldForm.initial_for(field), definition=draft, field=field)
    context = {"version": version, "field": field, "form": form.wire(), "draft": draft}
    return render(request, "forms/field_edit.html", context, status=422 if form.errors else 200)


@builder_action
def delete_field(request, version, pk: int):
    field = get_object_or_404(FormField, pk=pk, definition=_draft(version))
    services.delete_field(field, request.user)
    messages.success(request, f"Đã xóa trường «{field.label}».")
    return redirect(builder_url(version, "#cac-truong"))


@builder_action
def move_field(request, version, pk: int):
    field = get_object_or_404(FormField, pk=pk, definition=_draft(version))
    up = request.POST.get("huong") == "len"
    services.move_field(field, request.user, up=up)
    return redirect(builder_url(version, f"#truong-{pk}"))


@builder_action
def save_attachments(request, version):
    draft = _draft(version)
    settings = {
        a.document_id: {
            "requirement": request.POST.get(f"req-{a.document_id}", ""),
            "accept_reuse": bool(request.POST.get(f"reuse-{a.document_id}")),
            "show_if_field": request.POST.get(f"cond-{a.document_id}", ""),
            "show_if_value": request.POST.get(f"condval-{a.document_id}", ""),
        }
        for a in draft.all_attachments
    }
    try:
        services.save_attachments(draft, request.user, settings)
    except FieldError as e:
        return _render_builder(
            request, version, attachment_post=request.POST, attachment_errors=e.errors,
            status=422,
        )  # fmt: skip
    messages.success(request, "Đã lưu cách yêu cầu các thành phần hồ sơ.")
    return redirect(builder_url(version, "#giay-to"))


@builder_action
def save_intro(request, version):
    services.save_intro(_draft(version), request.user, request.POST.get("intro", ""))
    messages.success(request, "Đã lưu hướng dẫn kê khai.")
    return redirect(builder_url(version, "#huong-dan"))


@builder_action
def publish(request, version):
    definition = services.publish(_draft(version), request.user)
    messages.success(
        request,
        f"Đã công bố biểu mẫu (lần {definition.revision}). Người nộp hồ sơ trực tuyến từ nay "
        "dùng biểu mẫu này.",
    )
    return redirect(builder_url(version))


@builder_action
def revise(request, version):
    services.new_revision(version, request.user)
    return redirect(builder_url(version, "#cac-truong"))


@builder_action
def discard(request, version):
    services.discard_draft(_draft(version), request.user)
    messages.success(request, "Đã hủy bản nháp.")
    return redirect(builder_url(version))


# --- preview ----------------------------------------------------------------------------


@login_required
def preview(request, code: str, number: int):
    """The form as the applicant sees it; sending it checks the input and stores nothing."""
    version = _version(request, code, number)
    published, draft = services.open_for_builder(version, request.user)
    which = request.GET.get("ban", "")
    if which == "cong-bo":
        definition = published or services.default_definition(version)
    else:
        definition = draft or published or services.default_definition(version)
    cleaned, errors = None, {}
    if request.method == "POST":
        values = request.POST
        cleaned, errors = services.validate_submission(definition, request.POST, request.FILES)
    else:
        values = services.initial_values(definition, SAMPLE_PROFILE)
    context = {
        "version": version,
        "definition": definition,
        "which": which,
        "values": values,
        "errors": errors,
        "accepted": _describe(definition, cleaned) if cleaned is not None and not errors else None,
    }
    return render(request, "forms/preview.html", context, status=422 if errors else 200)


def _describe(definition, cleaned: dict) -> list[tuple[str, str]]:
    """What the system would receive, as label → text."""
    out = []
    for f in definition.all_fields:
        if f.key in cleaned:
            value = cleaned[f.key]
            if isinstance(value, bool):
                value = "Có" if value else "Không"
            elif isinstance(value, list):
                value = "; ".join(value)
            out.append((f.label, value if value not in (None, "") else "—"))
    for a in definition.all_attachments:
        if a.key in cleaned:
            names = [u.name for u in cleaned[a.key]["files"]] + cleaned[a.key]["refs"]
            out.append((a.label, ", ".join(names) or "—"))
    return out
