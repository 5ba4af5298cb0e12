"""Form definitions: finding the one a citizen fills in, building and publishing them.

The portal calls ``definition_for`` and ``validate_submission``; the builder views call
the rest. Every change runs in one transaction and refuses to touch a published definition
(``Conflict``): a change to a published form is a new draft revision, published in turn.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.agencies.scope import path_filter, unit_paths
from motcua.catalog.models import OnlineLevel, ProcedureVersion, VersionStatus
from motcua.core.errors import Conflict, DomainError, Forbidden
from motcua.core.text import vn_fold

from .models import (
    ATTACHMENT_PREFIX,
    CHOICE_TYPES,
    KEY_PATTERN,
    DefinitionStatus,
    FieldType,
    FormAttachment,
    FormDefinition,
    FormField,
    Prefill,
    Requirement,
)
from .validation import (
    FieldError,
    clean_or_raise,
    parse_date,
    parse_number,
    same,
    validate_submission,
    visibility,
)

__all__ = [
    "FieldError",
    "applicant_data",
    "clean_or_raise",
    "definition_for",
    "initial_values",
    "validate_submission",
    "visibility",
]

EDITOR_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)
# What a copy of a field carries over (everything an official set).
FIELD_SETTINGS = (
    "order", "key", "label", "type", "required", "help_text", "options", "min_value",
    "max_value", "pattern", "pattern_message", "show_if_field", "show_if_value", "prefill",
)  # fmt: skip
ONLINE = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


# --- who may build forms ----------------------------------------------------------------


def can_edit(user, version: ProcedureVersion) -> bool:
    """A unit administrator of a unit implementing the procedure (or above it), or the
    province administrator."""
    paths = unit_paths(user, EDITOR_ROLES)
    if "/" in paths:
        return True
    return version.implementing_units.filter(path_filter(paths)).exists()


def require_editor(user, version: ProcedureVersion) -> None:
    if not can_edit(user, version):
        raise Forbidden(
            "Bạn không có quyền xây dựng biểu mẫu của thủ tục này: chỉ quản trị của đơn vị "
            "thực hiện thủ tục hoặc quản trị cấp tỉnh được làm việc này.",
            code="forms_forbidden",
        )


def editable_versions(user, query: str = "") -> QuerySet[ProcedureVersion]:
    """Published versions offered online that ``user`` may build forms for."""
    qs = ProcedureVersion.objects.filter(
        status=VersionStatus.PUBLISHED,
        online_level__in=ONLINE,
        procedure__abolished_by__isnull=True,
    )
    paths = unit_paths(user, EDITOR_ROLES)
    if "/" not in paths:
        ids = ProcedureVersion.objects.filter(
            path_filter(paths, "implementing_units__path")
        ).values("pk")
        qs = qs.filter(pk__in=ids)
    for term in vn_fold(query).split():
        qs = qs.filter(search_name__contains=term)
    return qs.select_related("procedure", "field").order_by("name")


def require_online(version: ProcedureVersion) -> None:
    if version.online_level not in ONLINE:
        raise DomainError(
            "Thủ tục này không cung cấp dịch vụ công trực tuyến nên không có biểu mẫu trực tuyến.",
            code="not_online",
        )
    if version.status not in (VersionStatus.DRAFT, VersionStatus.PUBLISHED):
        raise DomainError(
            "Phiên bản thủ tục này đã hết hiệu lực; hãy xây dựng biểu mẫu cho phiên bản "
            "đang công khai.",
            code="version_not_current",
        )


# --- the form a citizen fills in ----------------------------------------------------------


def published_definition(version: ProcedureVersion) -> FormDefinition | None:
    return FormDefinition.objects.filter(version=version, status=DefinitionStatus.PUBLISHED).first()


def draft_definition(version: ProcedureVersion) -> FormDefinition | None:
    return FormDefinition.objects.filter(version=version, status=DefinitionStatus.DRAFT).first()


def definition_for(version: ProcedureVersion) -> FormDefinition:
    """The published form of ``version``.

    If none was built for it, the previous version's published form is carried over (the
    first time it is asked for), so forms follow procedure versions; failing that, a
    default derived from the procedure — applicant fields and one attachment per required
    document — is returned, unsaved (``is_default``)."""
    found = published_definition(version) or _carry_over(version, DefinitionStatus.PUBLISHED)
    return found or default_definition(version)


def initial_values(definition: FormDefinition, profile: dict) -> dict:
    """Values to show before the applicant types: the fields bound to their profile
    (``profile`` keys: name, id_number, phone, email, address)."""
    return {
        f.key: profile[f.prefill]
        for f in definition.all_fields
        if f.prefill != Prefill.NONE and profile.get(f.prefill)
    }


def applicant_data(definition: FormDefinition, cleaned: dict) -> dict:
    """The applicant part of ``dossiers.services.Intake`` from cleaned values: fields bound
    to a profile item give it; a filled tax code makes the applicant an organisation."""
    out = {"type": "citizen"}
    for f in definition.all_fields:
        value = cleaned.get(f.key)
        if value in (None, "", [], False):
            continue
        if f.prefill != Prefill.NONE:
            out[f.prefill] = value
        if f.type == FieldType.TAX_CODE:
            out["type"], out["id_number"] = "organization", value
    return out


# --- the default form ----------------------------------------------------------------


CITIZEN, ORGANIZATION = "Công dân", "Tổ chức, doanh nghiệp"


def _default_fields(version: ProcedureVersion) -> list[FormField]:
    subjects = set(version.subject_types or []) or {"citizen"}
    both = {"citizen", "organization"} <= subjects
    specs: list[dict] = []
    if both:
        specs.append(dict(key="type", label="Người nộp hồ sơ là", type=FieldType.RADIO,
                          required=True, options=[CITIZEN, ORGANIZATION]))  # fmt: skip
    if "organization" in subjects and not both:
        name_label = "Tên tổ chức, doanh nghiệp"
    elif both:
        name_label = "Họ và tên công dân hoặc tên tổ chức"
    else:
        name_label = "Họ và tên"
    specs.append(dict(key="name", label=name_label, type=FieldType.TEXT, required=True,
                      prefill=Prefill.NAME))  # fmt: skip
    if "citizen" in subjects:
        specs.append(dict(
            key="id_number", label="Số định danh cá nhân (căn cước)", type=FieldType.ID_NUMBER,
            required=True, prefill=Prefill.ID_NUMBER, help_text="12 chữ số trên thẻ căn cước.",
            show_if_field="type" if both else "", show_if_value=CITIZEN if both else "",
        ))  # fmt: skip
    if "organization" in subjects:
        specs.append(dict(
            key="tax_code", label="Mã số thuế (mã số doanh nghiệp)", type=FieldType.TAX_CODE,
            required=True, show_if_field="type" if both else "",
            show_if_value=ORGANIZATION if both else "",
        ))  # fmt: skip
    specs += [
        dict(key="address", label="Địa chỉ liên hệ", type=FieldType.TEXT, required=True,
             prefill=Prefill.ADDRESS),
        dict(key="phone", label="Số điện thoại", type=FieldType.PHONE, required=True,
             prefill=Prefill.PHONE),
        dict(key="email", label="Thư điện tử", type=FieldType.EMAIL, prefill=Prefill.EMAIL,
             help_text="Để nhận thông báo về hồ sơ (không bắt buộc)."),
        dict(key="summary", label="Nội dung đề nghị", type=FieldType.TEXTAREA,
             help_text="Ghi ngắn gọn yêu cầu của bạn (không bắt buộc)."),
    ]  # fmt: skip
    return [FormField(order=i, **spec) for i, spec in enumerate(specs, start=1)]


def default_definition(version: ProcedureVersion) -> FormDefinition:
    """An unsaved form derived from the procedure, for versions nobody built a form for."""
    definition = FormDefinition(version=version, status=DefinitionStatus.PUBLISHED, revision=0)
    fields = _default_fields(version)
    for f in fields:
        f.definition = definition
    definition.all_fields = fields
    definition.all_attachments = [
        FormAttachment.default_for(definition, doc) for doc in version.documents.all()
    ]
    return definition


# --- copies: carrying a form over to a new version, opening a revision -------------------


def _copy(source: FormDefinition, version: ProcedureVersion, status: str, user=None):
    """A new definition of ``version`` with ``source``'s fields and attachment settings.

    Attachments follow documents by pk within one version and by name across versions
    (a new version has new document rows); documents new in the version get the catalog's
    own flags."""
    target = FormDefinition.objects.create(
        version=version,
        status=status,
        intro=source.intro,
        copied_from=source if source.pk else None,
        created_by=user if getattr(user, "pk", None) else None,
        published_at=timezone.now() if status == DefinitionStatus.PUBLISHED else None,
    )
    FormField.objects.bulk_create(
        [
            FormField(definition=target, **{name: getattr(f, name) for name in FIELD_SETTINGS})
            for f in source.all_fields
        ]
    )
    same_version = source.version_id == version.pk
    by_doc = {
        (a.document_id if same_version else vn_fold(a.document.name)): a
        for a in source.all_attachments
    }
    rows = []
    for doc in version.documents.all():
        old = by_doc.get(doc.pk if same_version else vn_fold(doc.name))
        row = FormAttachment.default_for(target, doc)
        if old is not None:
            row.requirement, row.accept_reuse = old.requirement, old.accept_reuse
            row.show_if_field, row.show_if_value = old.show_if_field, old.show_if_value
        rows.append(row)
    FormAttachment.objects.bulk_create(rows)
    return target


def _carry_over(version: ProcedureVersion, status: str, user=None) -> FormDefinition | None:
    """Copy the newest ``status`` definition of an earlier version of the same procedure
    onto ``version`` (once: concurrent requests find the first copy)."""
    source = (
        FormDefinition.objects.filter(
            version__procedure_id=version.procedure_id,
            version__number__lt=version.number,
            status=status,
        )
        .select_related("version")
        .order_by("-version__number", "-revision")
        .first()
    )
    if source is None:
        return None
    try:
        with transaction.atomic():
            ProcedureVersion.objects.select_for_update().filter(pk=version.pk).first()
            existing = FormDefinition.objects.filter(version=version, status=status).first()
            return existing or _copy(source, version, status, user)
    except IntegrityError:  # another request copied it first
        return FormDefinition.objects.filter(version=version, status=status).first()


def open_for_builder(version: ProcedureVersion, user) -> tuple:
    """(published, draft) definitions of ``version`` for the builder page.

    A version without any form takes over the previous version's forms, the published one
    and a draft in progress alike, so an amendment of the procedure keeps its form."""
    require_editor(user, version)
    published, draft = published_definition(version), draft_definition(version)
    if published is None and draft is None:
        published = _carry_over(version, DefinitionStatus.PUBLISHED, user)
        draft = _carry_over(version, DefinitionStatus.DRAFT, user)
    return published, draft


@transaction.atomic
def start(version: ProcedureVersion, user, *, from_default: bool) -> FormDefinition:
    """A first draft: empty (attachments only), or the default form to adapt."""
    require_editor(user, version)
    require_online(version)
    _lock(version)
    if (
        FormDefinition.objects.filter(version=version)
        .exclude(status=DefinitionStatus.SUPERSEDED)
        .exists()
    ):
        raise Conflict("Thủ tục này đã có biểu mẫu.", code="form_exists")
    if from_default:
        return _copy(default_definition(version), version, DefinitionStatus.DRAFT, user)
    draft = FormDefinition.objects.create(version=version, created_by=user)
    FormAttachment.objects.bulk_create(
        [FormAttachment.default_for(draft, doc) for doc in version.documents.all()]
    )
    return draft


@transaction.atomic
def new_revision(version: ProcedureVersion, user) -> FormDefinition:
    """A draft copy of the published form, to change it (the published one stays live)."""
    require_editor(user, version)
    require_online(version)
    _lock(version)
    if draft := draft_definition(version):
        return draft
    published = published_definition(version)
    if published is None:
        raise DomainError("Biểu mẫu chưa được công bố lần nào.", code="form_not_published")
    return _copy(published, version, DefinitionStatus.DRAFT, user)


@transaction.atomic
def discard_draft(definition: FormDefinition, user) -> None:
    require_editor(user, definition.version)
    definition = _locked_draft(definition)
    definition.delete()


def _lock(version: ProcedureVersion) -> None:
    ProcedureVersion.objects.select_for_update().filter(pk=version.pk).first()


def _locked_draft(definition: FormDefinition) -> FormDefinition:
    locked = FormDefinition.objects.select_for_update().get(pk=definition.pk)
    if locked.status != DefinitionStatus.DRAFT:
        raise Conflict(
            "Biểu mẫu đã công bố không được sửa; hãy bấm «Sửa biểu mẫu» để tạo bản sửa đổi.",
            code="form_frozen",
        )
    return locked


# --- building: fields ---------------------------------------------------------------------


def make_key(label: str, taken: set[str]) -> str:
    """A field key from its label: "Ngày sinh của trẻ" → ngay_sinh_cua_tre."""
    base = re.sub(r"[^a-z0-9]+", "_", vn_fold(label)).strip("_")[:36] or "truong"
    if not base[0].isalpha() or base.startswith(ATTACHMENT_PREFIX):
        base = f"t_{base}"[:36]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _controller_problem(fields: dict, item, own_key: str | None) -> str | None:
    """What is wrong with ``item``'s condition (None if nothing); fixes the value's spelling
    to the controller's option."""
    key = item.show_if_field
    if not key:
        if item.show_if_value.strip():
            return "Hãy chọn trường điều kiện, hoặc xóa giá trị điều kiện."
        return None
    controller = fields.get(key)
    if controller is None or key == own_key:
        return "Trường điều kiện không có trong biểu mẫu."
    seen, current = {own_key}, controller
    while current is not None and current.show_if_field:
        if current.show_if_field in seen:
            return "Điều kiện tạo thành vòng lặp giữa các trường."
        seen.add(current.key)
        current = fields.get(current.show_if_field)
    value = item.show_if_value.strip()
    if controller.type == FieldType.CHECKBOX and not controller.options:
        if value:
            return "Với ô đánh dấu đơn, để trống giá trị: trường sẽ hiện khi ô được đánh dấu."
    elif controller.type in CHOICE_TYPES and value:
        match = next((o for o in controller.options if same(o, value)), None)
        if match is None:
            return f"«{value}» không phải một lựa chọn của «{controller.label}»."
        item.show_if_value = match
    return None


def _bounds_problems(field: FormField) -> dict[str, str]:
    problems: dict[str, str] = {}
    if field.type == FieldType.NUMBER:
        parse, example = parse_number, "một số, ví dụ 0 hoặc 1500"
    elif field.type == FieldType.DATE:
        today = timezone.localdate()

        def parse(text):
            return parse_date(text, today)

        example = "một ngày dạng ngày/tháng/năm, hoặc «hôm nay»"
    elif field.type in (FieldType.TEXT, FieldType.TEXTAREA):

        def parse(text):
            return int(text) if text.isdigit() else None

        example = "số ký tự (số nguyên không âm)"
    else:
        field.min_value = field.max_value = ""  # not used by this type
        return problems
    parsed = {}
    for name in ("min_value", "max_value"):
        text = getattr(field, name).strip()
        setattr(field, name, text)
        if text:
            parsed[name] = parse(text)
            if parsed[name] is None:
                problems[name] = f"Nhập {example}."
    low, high = parsed.get("min_value"), parsed.get("max_value")
    if low is not None and high is not None and low > high:
        problems["max_value"] = "Giá trị tối đa phải lớn hơn hoặc bằng giá trị tối thiểu."
    return problems


def _option_problems(field: FormField) -> dict[str, str]:
    options = [o for o in (str(o).strip() for o in field.options or []) if o]
    field.options = options if field.type in CHOICE_TYPES else []
    if field.type in (FieldType.SELECT, FieldType.RADIO) and len(options) < 2:
        return {"options": "Nhập ít nhất hai lựa chọn, mỗi lựa chọn một dòng."}
    if len({vn_fold(o) for o in options}) != len(options):
        return {"options": "Các lựa chọn bị trùng nhau."}
    return {}


def field_problems(definition: FormDefinition, field: FormField) -> dict[str, str]:
    """Everything wrong with ``field`` as a field of ``definition`` ({attribute: message}).

    Normalises on the way: a blank key is made from the label, options and bounds a type
    does not use are dropped, a condition value takes the controller's spelling."""
    others = {f.key: f for f in definition.fields.exclude(pk=field.pk)}
    problems: dict[str, str] = {}
    field.label = field.label.strip()
    field.key = field.key.strip()
    if not field.label:
        problems["label"] = "Vui lòng nhập nhãn của trường."
    if not field.key:
        field.key = make_key(field.label, set(others))
    elif not re.fullmatch(KEY_PATTERN, field.key) or field.key.startswith(ATTACHMENT_PREFIX):
        problems["key"] = (
            "Mã trường chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng "
            f"một chữ cái, không bắt đầu bằng «{ATTACHMENT_PREFIX}» (ví dụ ho_ten)."
        )
    elif field.key in others:
        problems["key"] = f"Mã «{field.key}» đã dùng cho trường «{others[field.key].label}»."
    problems.update(_option_problems(field))
    problems.update(_bounds_problems(field))
    if field.type in (FieldType.TEXT, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE,
                      FieldType.ID_NUMBER, FieldType.TAX_CODE) and field.pattern:  # fmt: skip
        try:
            re.compile(field.pattern)
        except re.error:
            problems["pattern"] = "Biểu thức chính quy không hợp lệ."
    else:
        field.pattern = field.pattern_message = ""
    if problem := _controller_problem({**others, field.key: field}, field, field.key):
        problems["show_if_field"] = problem
    problems.update(_dependents_problems(definition, field))
    return problems


def _dependents_problems(definition: FormDefinition, field: FormField) -> dict[str, str]:
    """A change must not break the conditions other items put on this field."""
    if not field.pk:
        return {}
    old_key = FormField.objects.values_list("key", flat=True).get(pk=field.pk)
    for item in _dependents(definition, old_key):
        waits_for = item.show_if_value
        kept = any(same(o, waits_for) for o in field.options)
        if field.type in CHOICE_TYPES and waits_for and field.options and not kept:
            return {
                "options": f"«{item}» chỉ hiện khi trường này là «{waits_for}»; hãy giữ lựa "
                f"chọn đó hoặc sửa điều kiện của «{item}» trước."
            }
    return {}


def _dependents(definition: FormDefinition, key: str) -> list:
    fields = list(definition.fields.filter(show_if_field=key))
    attachments = list(definition.attachments.filter(show_if_field=key).select_related("document"))
    return fields + attachments


@transaction.atomic
def save_field(definition: FormDefinition, field: FormField, user) -> FormField:
    """Add ``field`` to a draft (at the end) or save a change to it."""
    require_editor(user, definition.version)
    definition = _locked_draft(definition)
    if problems := field_problems(definition, field):
        raise FieldError(problems)
    old_key = None
    if field.pk:
        old_key = FormField.objects.values_list("key", flat=True).get(pk=field.pk)
    else:
        last = definition.fields.aggregate(n=Max("order"))["n"]
        field.order = (last or 0) + 1
    field.definition = definition
    field.save()
    if old_key and old_key != field.key:  # keep the conditions that point at it
        definition.fields.filter(show_if_field=old_key).update(show_if_field=field.key)
        definition.attachments.filter(show_if_field=old_key).update(show_if_field=field.key)
    _touch(definition)
    return field


@transaction.atomic
def delete_field(field: FormField, user) -> None:
    definition = _locked_draft(field.definition)
    require_editor(user, definition.version)
    if dependents := _dependents(definition, field.key):
        names = ", ".join(f"«{d}»" for d in dependents)
        raise Conflict(
            f"Không xóa được: {names} chỉ hiện theo trường «{field.label}». Hãy bỏ điều kiện "
            "đó trước.",
            code="field_in_use",
        )
    field.delete()
    _renumber(definition)
    _touch(definition)


@transaction.atomic
def move_field(field: FormField, user, *, up: bool) -> None:
    """Swap ``field`` with its neighbour above (``up``) or below."""
    definition = _locked_draft(field.definition)
    require_editor(user, definition.version)
    ordered = list(definition.fields.order_by("order"))
    i = next(i for i, f in enumerate(ordered) if f.pk == field.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
        _apply_order(definition, [f.pk for f in ordered])
    _touch(definition)


def _renumber(definition: FormDefinition) -> None:
    _apply_order(definition, list(definition.fields.order_by("order").values_list("pk", flat=True)))


def _apply_order(definition: FormDefinition, pks: list[int]) -> None:
    """Give the fields orders 1..n in the given sequence; moved out of the way first,
    because (definition, order) is unique."""
    offset = len(pks) + 1000
    for n, pk in enumerate(pks, start=1):
        FormField.objects.filter(pk=pk).update(order=offset + n)
    for n, pk in enumerate(pks, start=1):
        FormField.objects.filter(pk=pk).update(order=n)


def _touch(definition: FormDefinition) -> None:
    FormDefinition.objects.filter(pk=definition.pk).update(updated_at=timezone.now())


# --- building: attachments, intro, publishing --------------------------------------------


@transaction.atomic
def save_attachments(definition: FormDefinition, user, settings: dict[int, dict]) -> None:
    """Set, per required document id, ``requirement``, ``accept_reuse``, ``show_if_field``
    and ``show_if_value``. Raises ``FieldError`` keyed by attachment key."""
    require_editor(user, definition.version)
    definition = _locked_draft(definition)
    fields = {f.key: f for f in definition.fields.all()}
    problems: dict[str, str] = {}
    rows = []
    for attachment in definition.all_attachments:
        wanted = settings.get(attachment.document_id)
        if wanted is None:
            continue
        if wanted.get("requirement") not in Requirement.values:
            problems[attachment.key] = "Hãy chọn cách yêu cầu giấy tờ này."
            continue
        attachment.requirement = wanted["requirement"]
        attachment.accept_reuse = bool(wanted.get("accept_reuse"))
        attachment.show_if_field = (wanted.get("show_if_field") or "").strip()
        attachment.show_if_value = (wanted.get("show_if_value") or "").strip()
        if problem := _controller_problem(fields, attachment, None):
            problems[attachment.key] = problem
        rows.append(attachment)
    if problems:
        raise FieldError(problems)
    for row in rows:
        row.definition = definition
        row.save()
    _touch(definition)


@transaction.atomic
def save_intro(definition: FormDefinition, user, intro: str) -> None:
    require_editor(user, definition.version)
    definition = _locked_draft(definition)
    definition.intro = intro.strip()
    definition.save(update_fields=["intro", "updated_at"])


def publish_problems(definition: FormDefinition) -> list[str]:
    problems = []
    fields = list(definition.fields.all())
    if not fields:
        problems.append("Biểu mẫu phải có ít nhất một trường.")
    by_key = {f.key: f for f in fields}
    items = fields + [a for a in definition.all_attachments if a.show_if_field]
    for item in items:
        if problem := _controller_problem(by_key, item, getattr(item, "key", None)):
            problems.append(f"«{item}»: {problem}")
    return problems


@transaction.atomic
def publish(definition: FormDefinition, user) -> FormDefinition:
    """Publish a draft: it becomes the form citizens fill in; the previous one is kept,
    superseded, for the dossiers filed under it."""
    require_editor(user, definition.version)
    require_online(definition.version)
    _lock(definition.version)
    definition = _locked_draft(definition)
    if problems := publish_problems(definition):
        raise DomainError(" ".join(problems), code="form_incomplete")
    for attachment in definition.all_attachments:
        if attachment.pk is None:  # a document the catalog added since: freeze its flags too
            attachment.save()
    FormDefinition.objects.filter(
        version=definition.version_id, status=DefinitionStatus.PUBLISHED
    ).update(status=DefinitionStatus.SUPERSEDED)
    FormDefinition.objects.filter(pk=definition.pk).update(
        status=DefinitionStatus.PUBLISHED, published_at=timezone.now(), published_by=user
    )
    definition.refresh_from_db()
    return definition
