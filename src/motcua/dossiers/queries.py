"""Reading dossiers: what a user may see, and the public tracking lookup."""

import re

from django.db.models import Q, QuerySet

from motcua.agencies import scope
from motcua.core.errors import NotFound

from .models import Dossier


def visible_to(user) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see: those received, resolved or now held by a unit their
    roles cover; a citizen sees their own. Each branch is an indexed prefix scan."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    paths = scope.unit_paths(user)
    if "/" in paths:
        return Dossier.objects.all()
    q = Q(owner=user)
    for p in paths:
        q |= (
            Q(receiving_path__startswith=p)
            | Q(competent_path__startswith=p)
            | Q(current_path__startswith=p)
        )
    return Dossier.objects.filter(q)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def track(code: str, second_factor: str) -> Dossier:
    """Public lookup by code plus the applicant's phone or identity number.

    A wrong code and a wrong second factor give the same answer, so a code alone tells a
    stranger nothing (not even that it exists).
    """
    factor = _digits(second_factor)
    dossier = (
        Dossier.objects.select_related("version", "receiving_unit", "current_unit")
        .filter(code=code.strip())
        .first()
    )
    if dossier and len(factor) >= 9:
        phone = _digits(dossier.applicant_phone)
        if factor in (_digits(dossier.applicant_id_number), phone, "84" + phone[1:]):
            return dossier
    raise NotFound(
        "Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.", code="dossier_not_found"
    )
