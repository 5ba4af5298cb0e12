"""Accounts: registering, signing in through an identity provider, authorisations.

Each function checks its input with the dossier's applicant rules and raises a
``DomainError`` naming the field at fault; views show the message next to that field.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.errors import DomainError, Forbidden
from motcua.dossiers.models import ApplicantType

from .models import Profile, Representation
from .validation import applicant_errors


class Invalid(DomainError):
    """Several fields are wrong at once: ``errors`` maps each to its message."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors.items()))
        super().__init__(first[1], code="invalid_input", field=first[0])
        self.errors = errors


@dataclass
class Registration:
    kind: str
    name: str
    id_number: str
    tax_code: str
    phone: str
    email: str
    address: str
    password: str


def _identifier(reg: Registration) -> str:
    return reg.tax_code if reg.kind == ApplicantType.ORGANIZATION else reg.id_number


def register(reg: Registration):
    """A new local account; its username is the identity number (or the tax code)."""
    if errors := registration_errors(reg):
        raise Invalid(errors)
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                _identifier(reg).strip(), email=reg.email.strip(), password=reg.password
            )
            Profile.objects.create(
                user=user,
                kind=reg.kind,
                name=reg.name.strip(),
                id_number=reg.id_number.strip(),
                tax_code=reg.tax_code.strip() if reg.kind == ApplicantType.ORGANIZATION else "",
                phone=reg.phone.replace(" ", "").replace(".", ""),
                address=reg.address.strip(),
            )
    except IntegrityError:
        raise Invalid({"id_number": "Đã có tài khoản đăng ký với số này."}) from None
    return user


def registration_errors(reg: Registration) -> dict[str, str]:
    """Every problem of a registration, by field."""
    _, errors = applicant_errors(
        {
            "type": reg.kind,
            "name": reg.name,
            "id_number": _identifier(reg),
            "phone": reg.phone,
            "email": reg.email,
            "address": reg.address,
        }
    )
    if "id_number" in errors and reg.kind == ApplicantType.ORGANIZATION:
        errors["tax_code"] = errors.pop("id_number")
    if reg.kind == ApplicantType.ORGANIZATION and reg.id_number:
        _, rep_errors = applicant_errors({"name": reg.name, "id_number": reg.id_number})
        if "id_number" in rep_errors:
            errors["id_number"] = rep_errors["id_number"]
    User = get_user_model()
    username = _identifier(reg).strip()
    if not errors and User.objects.filter(username=username).exists():
        field = "tax_code" if reg.kind == ApplicantType.ORGANIZATION else "id_number"
        errors[field] = "Đã có tài khoản đăng ký với số này. Vui lòng đăng nhập."
    try:
        validate_password(reg.password, User(username=username, email=reg.email))
    except ValidationError as e:
        errors["password"] = " ".join(e.messages)
    return errors


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def update_contacts(user, *, phone: str, email: str, address: str, name=None, id_number=None):
    """Contacts may change at any time; the name and identity number only while the
    identity is not verified by the identity provider."""
    profile = profile_of(user)
    if profile is None:
        profile = Profile(user=user, name=name or user.get_full_name() or user.get_username())
    if not profile.identity_verified:
        profile.name = (name if name is not None else profile.name).strip()
        if id_number is not None:
            profile.id_number = id_number.strip()
    _, errors = applicant_errors(
        {
            "type": profile.kind,
            "name": profile.name,
            "id_number": profile.identifier,
            "phone": phone,
            "email": email,
        }
    )
    if errors:
        raise Invalid(errors)
    profile.phone = phone.replace(" ", "").replace(".", "")
    profile.address = address.strip()
    user.email = email.strip()
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
            profile.save()
    except IntegrityError:
        raise Invalid({"id_number": "Số định danh này đã thuộc một tài khoản khác."}) from None
    return profile


# --- authorisations (ủy quyền) ----------------------------------------------------------------


def active_representations(user, today: date | None = None) -> QuerySet[Representation]:
    if not getattr(user, "is_authenticated", False):
        return Representation.objects.none()
    today = today or timezone.localdate()
    return Representation.objects.filter(representative=user, revoked=False).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def add_representation(user, data: dict, authorization=None) -> Representation:
    applicant, errors = applicant_errors(
        {
            "type": data.get("principal_type", ApplicantType.CITIZEN),
            "name": data.get("principal_name", ""),
            "id_number": data.get("principal_id_number", ""),
            "address": data.get("principal_address", ""),
            "phone": data.get("principal_phone", ""),
            "email": data.get("principal_email", ""),
        }
    )
    errors = {f"principal_{k}": v for k, v in errors.items()}
    valid_until = data.get("valid_until") or None
    if valid_until and valid_until < timezone.localdate():
        errors["valid_until"] = "Thời hạn ủy quyền đã qua; vui lòng chọn ngày từ hôm nay."
    profile = profile_of(user)
    if applicant and profile and applicant.id_number == profile.identifier:
        errors["principal_id_number"] = "Không thể tự ủy quyền cho chính mình."
    if errors:
        raise Invalid(errors)
    return Representation.objects.create(
        representative=user,
        principal_type=applicant.type,
        principal_name=applicant.name,
        principal_id_number=applicant.id_number,
        principal_address=applicant.address,
        principal_phone=applicant.phone,
        principal_email=applicant.email,
        authorization=authorization,
        valid_until=valid_until,
    )


def revoke_representation(user, pk) -> None:
    updated = Representation.objects.filter(pk=pk, representative=user).update(revoked=True)
    if not updated:
        raise Forbidden("Không tìm thấy ủy quyền này trong tài khoản của bạn.")


def representation_of(user, pk) -> Representation:
    found = active_representations(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise DomainError(
            "Ủy quyền không còn hiệu lực hoặc không thuộc tài khoản của bạn.",
            code="invalid_representation",
            field="on_behalf",
        )
    return found


# --- sign-in through an OpenID Connect identity provider --------------------------------------


def user_from_identity(issuer: str, claims: dict, id_claim: str):
    """The account of the person the identity provider vouched for, created on first sign-in.

    Linked by (issuer, subject); the first time, an account registered locally with the same
    identity number is linked (the provider has verified that number, the local form has not).
    """
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise DomainError("Nhà cung cấp định danh không trả về mã định danh (sub).")
    found = (
        Profile.objects.select_related("user")
        .filter(oidc_issuer=issuer, oidc_subject=subject)
        .first()
    )
    if found:
        return _refresh_from_claims(found, claims).user
    id_number = str(claims.get(id_claim) or "").strip()
    _, errors = applicant_errors({"name": "-", "id_number": id_number}) if id_number else ({}, {})
    if errors:
        id_number = ""  # not a Vietnamese identity number: the citizen completes the profile
    with transaction.atomic():
        profile = (
            Profile.objects.select_for_update()
            .select_related("user")
            .filter(kind=ApplicantType.CITIZEN, id_number=id_number)
            .first()
            if id_number
            else None
        )
        if profile is None:
            user = _new_user(id_number or f"oidc-{subject}"[:150])
            profile = Profile(user=user, kind=ApplicantType.CITIZEN, id_number=id_number)
        profile.oidc_issuer, profile.oidc_subject = issuer, subject
        profile.identity_verified = bool(id_number)
        return _refresh_from_claims(profile, claims).user


def _new_user(username: str):
    User = get_user_model()
    base, n = username, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    return user


def _refresh_from_claims(profile: Profile, claims: dict) -> Profile:
    """Names and contacts from the provider are the freshest we have; keep them."""
    name = str(claims.get("name") or "").strip()
    if name:
        profile.name = name[:255]
    elif not profile.name:
        profile.name = profile.user.get_username()
    phone = str(claims.get("phone_number") or "").replace(" ", "")
    if phone and not applicant_errors({"name": "-", "id_number": "0" * 12, "phone": phone})[1]:
        profile.phone = phone
    address = claims.get("address")
    if isinstance(address, dict):
        address = address.get("formatted", "")
    if address:
        profile.address = str(address)[:500]
    profile.save()
    email = str(claims.get("email") or "").strip()
    if email and email != profile.user.email:
        profile.user.email = email
        profile.user.save(update_fields=["email"])
    return profile
