"""Online submission: a draft filled in over one or more visits, then submitted.

Every save keeps what the citizen typed (even when it has errors) and every accepted file,
so nothing is lost to a validation error or a closed browser. Submitting validates the
e-form (``motcua.forms``), builds an ``Intake`` and calls
``dossiers.services.submit_online`` with the draft's own idempotency key: a double click
or a retried request files one dossier, not two.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from motcua.accounts import services as accounts
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError, Forbidden, NotFound
from motcua.documents import repository
from motcua.documents.services import store
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import ApplicantType, Dossier, ReturnMethod
from motcua.forms.models import FieldType, Prefill
from motcua.forms.services import (
    applicant_data,
    definition_for,
    initial_values,
    validate_submission,
)

from . import services
from .models import Draft, DraftFile

# A chosen existing file comes back from the form as "<kind>:<id>".
UPLOADED, REPOSITORY = "tep", "kho"
GENERAL = "__all__"
# The portal's own inputs beside the e-form's. Their names hold a hyphen, which the keys of
# e-form fields never do (forms.models.KEY_PATTERN), so an official's form cannot clash.
POSTED = {
    "place": "noi-nop",
    "on_behalf": "nop-thay",
    "return_method": "cach-nhan",
    "return_address": "dia-chi-nhan",
}
ACTION = "thao-tac"


@dataclass
class Outcome:
    """What a save or a submission came to: errors by form key, or the new dossier."""

    errors: dict[str, str] = field(default_factory=dict)
    dossier: Dossier | None = None


def drafts_of(user) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(owner=user, dossier__isnull=True)
        .select_related("version__procedure")
        .order_by("-updated_at")
    )


def open_draft(user, version: ProcedureVersion) -> Draft:
    """The citizen's unfinished draft of ``version``, or a new one prefilled from their
    profile (R-DATA: do not ask again for what the account already knows)."""
    if version.online_level == "NONE":
        raise DomainError(
            "Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp trực tiếp.",
            code="not_offered_online",
        )
    found = drafts_of(user).filter(version=version).first()
    if found:
        return found
    values = {"form": _fill(definition_for(version), {}, _person(user))}
    places = services.places_for(version)
    if len(places) == 1:
        values["place"] = places[0].code
    return Draft.objects.create(owner=user, version=version, values=values)


def _person(user, representation=None) -> dict:
    """Who the applicant is, in the keys the form's prefill bindings use."""
    if representation is not None:
        a = representation.applicant()
        org = a["type"] == ApplicantType.ORGANIZATION
        return {**a, "id_number": "" if org else a["id_number"],
                "tax_code": a["id_number"] if org else ""}  # fmt: skip
    profile = accounts.profile_of(user)
    if profile is None:
        return {"type": ApplicantType.CITIZEN, "email": user.email}
    return {**profile.applicant(), "id_number": profile.id_number, "tax_code": profile.tax_code}


def _fill(definition, values: dict, person: dict) -> dict:
    """``values`` with the applicant's own fields set from ``person`` (name, identity,
    contacts; the tax code and the citizen/organisation choice where the form has them)."""
    values = {**values, **initial_values(definition, person)}
    kind_label = ApplicantType(person.get("type") or ApplicantType.CITIZEN).label
    for f in definition.all_fields:
        if f.prefill != Prefill.NONE and not person.get(f.prefill):
            values[f.key] = ""
        if f.type == FieldType.TAX_CODE:
            values[f.key] = person.get("tax_code", "")
        if f.type == FieldType.RADIO and kind_label in f.options:
            values[f.key] = kind_label
    return values


def refill_applicant(draft: Draft, user) -> None:
    """After choosing whom to submit for: put that person's details in the form."""
    draft.refresh_from_db()
    rep = draft.values.get("on_behalf")
    person = _person(user, accounts.representation_of(user, rep) if rep else None)
    form = _fill(definition_for(draft.version), draft.values.get("form") or {}, person)
    draft.values = {**draft.values, "form": form}
    draft.save(update_fields=["values", "updated_at"])


def get_draft(user, pk) -> Draft:
    draft = Draft.objects.select_related("version__procedure").filter(pk=pk).first()
    if draft is None:
        raise NotFound("Không tìm thấy hồ sơ nháp.")
    if draft.owner_id != user.pk:
        raise Forbidden("Hồ sơ nháp này không thuộc tài khoản của bạn.")
    return draft


def delete_draft(draft: Draft) -> None:
    if draft.submitted:
        raise DomainError("Hồ sơ đã nộp; không xóa được bản nháp.", code="draft_submitted")
    draft.delete()


# --- saving what was typed ---------------------------------------------------------------


def _raw_form(definition, data) -> dict:
    """What was typed in the e-form's own fields, as typed (lists for multiple choices)."""
    out = {}
    for f in definition.all_fields:
        values = data.getlist(f.key) if hasattr(data, "getlist") else [data.get(f.key, "")]
        out[f.key] = values if f.multiple else (values[-1] if values else "")
    return out


def save(draft: Draft, data, files) -> Outcome:
    """Keep the typed values and the acceptable files; return the errors of the files."""
    definition = definition_for(draft.version)
    outcome = Outcome()
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.submitted:
            outcome.dossier = draft.dossier
            return outcome
        draft.values = {
            **draft.values,
            "form": _raw_form(definition, data),
            "place": data.get(POSTED["place"], ""),
            "on_behalf": data.get(POSTED["on_behalf"], ""),
            "return_method": data.get(POSTED["return_method"], ReturnMethod.DESK),
            "return_address": data.get(POSTED["return_address"], "").strip(),
        }
        draft.save()
    for attachment in definition.all_attachments:
        if not attachment.offered:
            continue
        error = _keep_files(draft, attachment, data, files)
        if error:
            outcome.errors[attachment.key] = error
    return outcome


def _keep_files(draft: Draft, attachment, data, files) -> str | None:
    """Make the draft's files for ``attachment`` what the form asked: the existing ones
    still ticked, repository items newly ticked, and the new uploads."""
    doc = attachment.document
    wanted = set(data.getlist(attachment.ref_key)) if hasattr(data, "getlist") else set()
    current = list(draft.files.filter(document=doc))
    for f in current:
        if f"{UPLOADED}:{f.pk}" not in wanted:
            f.delete()
    for ref in wanted:
        kind, _, pk = ref.partition(":")
        if kind == REPOSITORY:
            try:
                item = repository.take(draft.owner, pk)
            except Forbidden as e:
                return e.message
            if not draft.files.filter(document=doc, file=item.file).exists():
                DraftFile.objects.create(
                    draft=draft, document=doc, file=item.file, reused_from=item
                )
    uploads = files.getlist(attachment.key) if hasattr(files, "getlist") else []
    for upload in uploads:
        try:
            stored = store(upload.read(), upload.name, user=draft.owner)
        except DomainError as e:
            return e.message
        DraftFile.objects.create(draft=draft, document=doc, file=stored)
    return None


def form_data(draft: Draft) -> dict:
    """The draft as the e-form would post it: typed values plus the refs of its files."""
    data = dict(draft.values.get("form") or {})
    definition = definition_for(draft.version)
    by_doc: dict[int, list[str]] = {}
    for f in draft.files.all():
        by_doc.setdefault(f.document_id, []).append(f"{UPLOADED}:{f.pk}")
    for attachment in definition.all_attachments:
        if by_doc.get(attachment.document.pk):
            data[attachment.ref_key] = by_doc[attachment.document.pk]
    return data


class _Posted(dict):
    """A plain dict that answers ``getlist`` like a QueryDict (for ``validate_submission``)."""

    def getlist(self, key):
        value = self.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


# --- submitting ----------------------------------------------------------------------------


def submit(draft: Draft, user) -> Outcome:
    """Validate the saved draft and file it as a dossier (or say what is wrong)."""
    draft.refresh_from_db()
    if draft.submitted:
        return Outcome(dossier=draft.dossier)
    version = draft.version
    definition = definition_for(version)
    cleaned, errors = validate_submission(definition, _Posted(form_data(draft)), {})
    place = services.place(version, draft.values.get("place", ""))
    if place is None:
        errors["place"] = "Vui lòng chọn nơi nộp hồ sơ."
    method = draft.values.get("return_method") or ReturnMethod.DESK
    if method not in _return_methods(version):
        errors["return_method"] = "Vui lòng chọn hình thức nhận kết quả."
    applicant = applicant_data(definition, cleaned)
    if rep := draft.values.get("on_behalf"):
        try:
            _act_for(user, rep, applicant)
        except DomainError as e:
            errors["on_behalf"] = e.message
    if errors:
        return Outcome(errors=errors)
    intake = dossiers.Intake(
        version=version,
        applicant=applicant,
        components=_components(draft, definition, cleaned),
        competent_unit=place.competent,
        return_method=method,
        return_address=draft.values.get("return_address", ""),
        summary=str(cleaned.get("summary") or "")[:1000],
    )
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=draft.pk)
            if locked.submitted:
                return Outcome(dossier=locked.dossier)
            dossier = dossiers.submit_online(
                user, place.desk, intake, idempotency_key=f"portal-draft-{draft.key}"
            )
            locked.dossier = dossier
            locked.save(update_fields=["dossier", "updated_at"])
    except DomainError as e:
        return Outcome(errors={_form_key(e.field, applicant): e.message})
    return Outcome(dossier=dossier)


def _act_for(user, rep_pk, applicant: dict) -> None:
    """Submitting for a principal: the form's applicant must be them; the account holder is
    recorded as the authorised representative (người được ủy quyền)."""
    representation = accounts.representation_of(user, rep_pk)
    if applicant.get("id_number") != representation.principal_id_number:
        raise DomainError(
            f"Người đứng tên hồ sơ phải là người ủy quyền ({representation.principal_name}, "
            f"số {representation.principal_id_number}).",
            field="on_behalf",
        )
    profile = accounts.profile_of(user)
    applicant["representative_name"] = profile.name if profile else user.get_username()
    applicant["representative_id_number"] = profile.id_number if profile else ""


def _components(draft: Draft, definition, cleaned: dict) -> list[dict]:
    """One component per attached file; a required document the online form does not ask
    for (an original shown when collecting the result) is listed without a file."""
    files = [
        f
        for f in draft.files.select_related("document", "file")
        if definition_key(definition, f.document_id) in cleaned
    ]
    out = [
        {"document": f.document_id, "form": "electronic", "file": f.file, "reused": f.reused}
        for f in files
    ]
    given = {f.document_id for f in files}
    for doc in draft.version.documents.all():
        if not doc.optional and doc.pk not in given:
            out.append({"document": doc.pk, "form": "original", "name": doc.name})
    return out


def definition_key(definition, document_id: int) -> str | None:
    for a in definition.all_attachments:
        if a.document.pk == document_id:
            return a.key
    return None


def _return_methods(version: ProcedureVersion) -> list[str]:
    methods = [ReturnMethod.DESK, ReturnMethod.POST]
    if version.online_level == "FULL":
        methods.append(ReturnMethod.ONLINE)
    return methods


def return_methods(version: ProcedureVersion) -> list[tuple[str, str]]:
    return [(m, ReturnMethod(m).label) for m in _return_methods(version)]


def _form_key(field_name: str | None, applicant: dict) -> str:
    if not field_name:
        return GENERAL
    name = field_name.removeprefix("applicant.")
    if name == "id_number" and applicant.get("type") == "organization":
        return "tax_code"
    if name in ("receiving_unit", "competent_unit"):
        return "place"
    if name == "components":
        return GENERAL
    return name
