"""What every back-office page shares: the officials' navigation and error display."""

from django.http import HttpResponse
from django.shortcuts import render

from motcua.agencies.models import Role
from motcua.core.errors import DomainError

from ..access import role_paths


def me(request) -> dict:
    """The signed-in official's name and roles (computed once per request)."""
    if not hasattr(request, "_backoffice_me"):
        roles = role_paths(request.user)
        official = getattr(request.user, "official", None)
        request._backoffice_me = {
            "name": official.full_name if official else request.user.get_username(),
            "title": official.title if official else "",
            "receiver": Role.RECEIVER in roles or request.user.is_superuser,
            "head": Role.HEAD in roles,
            "roles": sorted({Role(r).label for r in roles}),
        }
    return request._backoffice_me


def page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {"me": me(request), **context}, status=status)


def error_status(err: DomainError) -> int:
    return getattr(err, "status", 422)
