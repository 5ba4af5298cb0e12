"""The counter: from a filled-in receipt form to ``receive_at_counter``, or to guidance.

A walk-in applicant either leaves with a received dossier and its Mẫu 01, or with Mẫu 02
(what to supplement) / Mẫu 03 (refusal) and no dossier (domain.md §9.2 item 5): the
guidance is kept in the back office's own log.
"""

from django.db import transaction
from django.utils import timezone

from motcua.agencies import scope
from motcua.agencies.models import Role, Unit
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError, Forbidden
from motcua.documents.services import store
from motcua.dossiers import services
from motcua.dossiers.applicants import CCCD, TAX_CODE
from motcua.dossiers.models import ApplicantType, ComponentForm, Dossier
from motcua.dossiers.queries import visible_to

from .models import Guidance, GuidanceKind, Note

APPLICANT_FIELDS = [
    "type", "id_number", "name", "address", "phone", "email",
    "representative_name", "representative_id_number",
]  # fmt: skip


def applicant_from(post) -> dict:
    return {k: post.get(f"applicant_{k}", "").strip() for k in APPLICANT_FIELDS}


def components_from(version: ProcedureVersion, post, files, user) -> list[dict]:
    """The ticked documents, each with its form, count and (if scanned) its file."""
    found = []
    for doc in version.documents.all():
        if not post.get(f"doc_{doc.pk}"):
            continue
        form = post.get(f"form_{doc.pk}", ComponentForm.ORIGINAL)
        try:
            count = max(1, int(post.get(f"count_{doc.pk}", "1") or 1))
        except ValueError:
            count = 1
        item = {"document": doc.pk, "form": form, "count": count}
        upload = files.get(f"file_{doc.pk}")
        if upload:
            item["file"] = store(upload.read(), upload.name, user=user)
        found.append(item)
    return found


def missing_items(version: ProcedureVersion, post) -> list[str]:
    """The documents not ticked, plus what the official typed: the Mẫu 02 list."""
    items = [d.name for d in version.documents.all() if not post.get(f"doc_{d.pk}")]
    items += [line.strip() for line in post.get("items_other", "").splitlines() if line.strip()]
    return items


def competent_choices(version: ProcedureVersion, unit: Unit) -> tuple[list[Unit], Unit | None]:
    """The implementing units, and the one the service would pick by itself (or None)."""
    units = list(version.implementing_units.all().order_by("path"))
    default = next((u for u in units if unit.path.startswith(u.path)), None)
    if default is None and len(units) == 1:
        default = units[0]
    return units, default


def receive(user, unit: Unit, version: ProcedureVersion, post, files) -> Dossier:
    """Build the ``Intake`` from the form and receive it; uploads roll back with a refusal."""
    units, default = competent_choices(version, unit)
    competent = default
    if code := post.get("competent_unit", "").strip():
        competent = next((u for u in units if u.code == code), None)
        if competent is None:
            raise DomainError(
                "Cơ quan giải quyết không thực hiện thủ tục này.",
                code="invalid_competent_unit",
                field="competent_unit",
            )
    try:
        sets = max(1, int(post.get("sets", "1") or 1))
    except ValueError:
        sets = 1
    with transaction.atomic():
        intake = services.Intake(
            version=version,
            applicant=applicant_from(post),
            components=components_from(version, post, files, user),
            competent_unit=competent,
            return_method=post.get("return_method", "desk"),
            return_address=post.get("return_address", "").strip(),
            summary=post.get("summary", "").strip(),
            sets=sets,
        )
        return services.receive_at_counter(user, unit, intake)


def give_guidance(user, unit: Unit, version: ProcedureVersion, kind: str, post) -> Guidance:
    """Log Mẫu 02 / Mẫu 03 handed to a walk-in applicant (no dossier is created)."""
    if not scope.has_role(user, Role.RECEIVER, unit):
        raise Forbidden(f"Bạn không có vai trò tiếp nhận tại {unit.name}.")
    if kind not in GuidanceKind.values:
        raise DomainError("Loại phiếu không hợp lệ.", code="invalid_guidance_kind")
    applicant = applicant_from(post)
    if not applicant["name"]:
        raise DomainError(
            "Vui lòng nhập họ tên người được hướng dẫn.",
            code="applicant_name_required",
            field="applicant.name",
        )
    reason = post.get("reason", "").strip()
    if not reason:
        raise DomainError("Vui lòng ghi rõ lý do.", code="reason_required", field="reason")
    items = missing_items(version, post) if kind == GuidanceKind.SUPPLEMENT else []
    return Guidance.objects.create(
        official=user,
        unit=unit,
        version=version,
        applicant_name=applicant["name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant["phone"],
        applicant_address=applicant["address"],
        kind=kind,
        reason=reason,
        items=items,
        at=timezone.now(),
    )


CONTACT_FIELDS = [
    "applicant_type", "applicant_name", "applicant_id_number", "applicant_address",
    "applicant_phone", "applicant_email",
]  # fmt: skip


CONTACT_FIELDS = [
    "applicant_type", "applicant_name", "applicant_id_number", "applicant_address",
    "applicant_phone", "applicant_email",
]  # fmt: skip


def known_applicant(user, number: str) -> dict | None:
    """The latest details of an applicant by identity number / tax code, from the dossiers
    this official may see (reuse at the counter without retyping)."""
    number = number.strip()
    if not (CCCD.match(number) or TAX_CODE.match(number)):
        return None
    d = (
        visible_to(user)
        .filter(applicant_id_number=number)
        .order_by("-created_at", "-id")
        .only(*CONTACT_FIELDS)
        .first()
    )
    if d is None:
        return None
    return {
        "type": d.applicant_type or ApplicantType.CITIZEN,
        "id_number": d.applicant_id_number,
        "name": d.applicant_name,
        "address": d.applicant_address,
        "phone": d.applicant_phone,
        "email": d.applicant_email,
    }


def add_note(user, d: Dossier, text: str, upload=None) -> Note:
    text = text.strip()
    if not text and not upload:
        raise DomainError(
            "Vui lòng ghi nội dung hoặc đính kèm tệp.", code="note_empty", field="text"
        )
    stored = store(upload.read(), upload.name, user=user) if upload else None
    official = getattr(user, "official", None)
    return Note.objects.create(
        dossier=d,
        author=user,
        author_name=official.full_name if official else user.get_username(),
        text=text,
        file=stored,
    )
