"""Changes to the catalog: drafting, publishing, amending, replacing and abolishing.

Each function runs in one transaction and either completes or raises a ``DomainError``
naming the field at fault; a published version is never modified (a new one is published).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from motcua.agencies.models import Unit
from motcua.core.errors import Conflict, DomainError
from motcua.core.text import search_terms, vn_number

from .models import (
    ChangeType,
    Procedure,
    ProcedureVersion,
    PublicationDecision,
    StepUnit,
    TimeUnit,
    VersionStatus,
)

MAX_TIME_LIMIT = {
    TimeUnit.WORKING_DAY: Decimal(365),
    TimeUnit.DAY: Decimal(365),
    TimeUnit.WORKING_HOUR: Decimal(8 * 60),
    TimeUnit.SAME_DAY: Decimal(1),
}


def check_version(version: ProcedureVersion) -> list[DomainError]:
    """Everything wrong with a version that would stop its publication."""
    errors: list[DomainError] = []

    def fail(field: str, message: str, code: str = "invalid_procedure"):
        errors.append(DomainError(message, code=code, field=field))

    if not version.name.strip():
        fail("name", "Tên thủ tục không được để trống.")
    value, unit = version.time_limit_value, version.time_limit_unit
    if value is None or value <= 0:
        fail("time_limit_value", "Thời hạn giải quyết phải lớn hơn 0.")
    elif unit in MAX_TIME_LIMIT and value > MAX_TIME_LIMIT[unit]:
        fail("time_limit_value", f"Thời hạn giải quyết {value} vượt quá mức cho phép.")
    if version.online_level == "FULL" and not version.full_online_eligible:
        fail(
            "online_level",
            "Chỉ thủ tục đủ điều kiện toàn trình mới được cung cấp dịch vụ công trực tuyến "
            "toàn trình.",
        )
    steps = list(version.steps.all())
    if not steps:
        fail("steps", "Quy trình nội bộ phải có ít nhất một bước.", "steps_missing")
    elif value and value > 0:
        errors.extend(_check_steps(version, steps))
    for i, doc in enumerate(version.documents.all(), start=1):
        if doc.originals + doc.copies == 0 and not doc.optional:
            fail(f"documents[{i}]", f"Thành phần hồ sơ «{doc.name}» phải có ít nhất một bản.")
    return errors


def _check_steps(version: ProcedureVersion, steps) -> list[DomainError]:
    errors = []
    total = sum((s.hours for s in steps), Decimal(0))
    legal = version.legal_hours
    if version.time_limit_unit == TimeUnit.SAME_DAY:
        if total > legal:
            errors.append(
                DomainError(
                    f"Tổng thời gian các bước ({vn_number(total)} giờ) vượt quá một ngày làm việc "
                    f"({vn_number(legal)} giờ).",
                    code="steps_time_mismatch",
                    field="steps",
                )
            )
    elif total != legal:
        errors.append(
            DomainError(
                f"Tổng thời gian các bước ({vn_number(total)} giờ làm việc) phải bằng thời hạn "
                f"giải quyết ({version.time_limit_display()} = {vn_number(legal)} giờ làm việc).",
                code="steps_time_mismatch",
                field="steps",
            )
        )
    known = set(
        Unit.objects.filter(code__in=[s.unit_ref for s in steps]).values_list("code", flat=True)
    )
    for step in steps:
        if step.unit_ref not in (StepUnit.RECEIVING, StepUnit.COMPETENT, *known):
            errors.append(
                DomainError(
                    f"Bước {step.order}: không có đơn vị mã «{step.unit_ref}».",
                    code="unknown_unit",
                    field=f"steps[{step.order}].unit",
                )
            )
    return errors


def _require_valid(version: ProcedureVersion) -> None:
    if errors := check_version(version):
        raise errors[0]


@transaction.atomic
def publish(version: ProcedureVersion, decision: PublicationDecision) -> ProcedureVersion:
    """Publish a draft under ``decision``; the previously published version is superseded."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            "Phiên bản này đã được công bố; không thể công bố lại.", code="already_published"
        )
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    if procedure.abolished:
        raise DomainError(
            f"Thủ tục {procedure.code} đã bị bãi bỏ; không thể công bố phiên bản mới.",
            code="procedure_abolished",
        )
    _require_valid(version)
    if procedure.current_version_id and version.change_type == ChangeType.NEW:
        version.change_type = ChangeType.AMENDED
    ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED
    )
    ProcedureVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, decision=decision, change_type=version.change_type
    )
    procedure.current_version_id = version.pk
    procedure.save(update_fields=["current_version"])
    version.refresh_from_db()
    return version


@transaction.atomic
def new_draft(procedure: Procedure) -> ProcedureVersion:
    """Start an amendment: a draft copy of the published version, with its parts."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if existing := procedure.versions.filter(status=VersionStatus.DRAFT).first():
        return existing
    source = procedure.current_version
    if source is None:
        raise DomainError("Thủ tục chưa có phiên bản nào để sửa đổi.", code="no_version")
    units = list(source.implementing_units.all())
    parts = [list(source.documents.all()), list(source.fees.all()), list(source.steps.all())]
    draft = source
    draft.pk = draft.id = None
    draft.number = 0
    draft.status = VersionStatus.DRAFT
    draft.decision = None
    draft.change_type = ChangeType.AMENDED
    draft._state.adding = True
    draft.save()
    draft.implementing_units.set(units)
    for items in parts:
        for item in items:
            item.pk = item.id = None
            item.version = draft
            item._state.adding = True
            item.save()
    return draft


@transaction.atomic
def abolish(procedure: Procedure, decision: PublicationDecision) -> Procedure:
    """Bãi bỏ: no new dossiers from now on; its versions and dossiers stay for history."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.abolished:
        raise Conflict(f"Thủ tục {procedure.code} đã bị bãi bỏ trước đó.", code="already_abolished")
    procedure.abolished_by = decision
    procedure.save(update_fields=["abolished_by"])
    procedure.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.ABOLISHED)
    procedure.versions.filter(status=VersionStatus.DRAFT).delete()
    return procedure


@transaction.atomic
def replace(old: Procedure, new_version: ProcedureVersion, decision: PublicationDecision):
    """Thay thế: publish ``new_version`` (of another code) and abolish ``old`` in its favour."""
    new_version.change_type = ChangeType.REPLACED
    ProcedureVersion.objects.filter(pk=new_version.pk).update(change_type=ChangeType.REPLACED)
    published = publish(new_version, decision)
    old = abolish(old, decision)
    old.replaced_by = published.procedure
    old.save(update_fields=["replaced_by"])
    return published


def accepting_dossiers(procedure: Procedure) -> bool:
    return not procedure.abolished and procedure.current_version_id is not None


def search(
    query: str = "", *, field: str | None = None, unit: str | None = None
) -> QuerySet[ProcedureVersion]:
    """Published versions matching ``query`` regardless of diacritics.

    Every word must appear; versions whose *name* holds every word rank before those that
    only match in the description, then by name. Folded columns are kept on save, so the
    same query works on SQLite and PostgreSQL.
    """
    qs = ProcedureVersion.objects.filter(
        status=VersionStatus.PUBLISHED, procedure__abolished_by__isnull=True
    ).select_related("procedure", "field")
    if field:
        qs = qs.filter(field__code=field)
    if unit:
        qs = qs.filter(implementing_units__code=unit)
    terms = search_terms(query)
    if not terms:
        return qs.order_by("name")
    in_name = Q()
    anywhere = Q()
    for term in terms:
        in_name &= Q(search_name__contains=term)
        anywhere &= Q(search_name__contains=term) | Q(search_body__contains=term)
    phrase = " ".join(terms)
    return (
        qs.filter(anywhere)
        .annotate(
            rank=Case(
                When(search_name__contains=phrase, then=Value(0)),
                When(in_name, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name")
    )
