"""Who may open a back-office page, and loading a dossier through the permission filter.

Every dossier page loads through ``dossiers.queries.visible_to``: a dossier that exists but
lies outside the official's units answers 403 (the issue asks it), one that does not exist
answers 404. Guessing another commune's codes therefore shows nothing of them.
"""

from functools import wraps
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from motcua.agencies import scope
from motcua.agencies.models import Role, Unit
from motcua.dossiers.models import Dossier
from motcua.dossiers.queries import visible_to


def official_required(view):
    """Signed in (else to the officials' login page) and an official (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            login = reverse("backoffice:login")
            return HttpResponseRedirect(f"{login}?next={quote(request.get_full_path())}")
        if not hasattr(request.user, "official") and not request.user.is_superuser:
            raise PermissionDenied("Tài khoản này không phải tài khoản cán bộ, công chức.")
        return view(request, *args, **kwargs)

    return wrapped


def load_dossier(request, code: str, *, related=()) -> Dossier:
    """The dossier ``code`` if the user may see it; 404 if there is none, 403 if not theirs."""
    qs = visible_to(request.user).select_related(
        "version__procedure", "version__field", "receiving_unit", "competent_unit",
        "current_unit", "assignee__official", "result_file", *related,
    )  # fmt: skip
    found = qs.filter(code=code).first()
    if found is not None:
        return found
    if Dossier.objects.filter(code=code).exists():
        raise PermissionDenied("Hồ sơ này không thuộc phạm vi đơn vị của bạn.")
    raise Http404("Không tìm thấy hồ sơ.")


def receiving_units(user) -> list[Unit]:
    """The one-stop units where ``user`` may receive dossiers (their RECEIVER scope)."""
    paths = scope.unit_paths(user, [Role.RECEIVER])
    if not paths:
        return []
    return list(
        Unit.objects.filter(scope.path_filter(paths), one_stop=True, active=True).order_by("path")
    )


def role_paths(user) -> dict[str, list[str]]:
    """{role: [unit path, …]} for the user's assignments (one query)."""
    found: dict[str, list[str]] = {}
    for a in scope.assignments(user):
        found.setdefault(a.role, []).append(a.unit.path)
    return found


def is_head(user) -> bool:
    return bool(role_paths(user).get(Role.HEAD))
