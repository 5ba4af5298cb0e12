"""Who may act where: a role held at a unit covers that unit and its whole subtree.

Every permission check in the back office, the API and the reports goes through here, so a
commune official cannot reach another commune's dossier by guessing its address.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Role, RoleAssignment, Unit


def assignments(user, roles: Iterable[str] | None = None) -> QuerySet[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "official"):
        return RoleAssignment.objects.none()
    qs = RoleAssignment.objects.filter(official=user.official).select_related("unit")
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


def unit_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    """The subtree prefixes the user's roles cover (a province admin covers everything)."""
    found = list(assignments(user, roles))
    if any(a.role == Role.PROVINCE_ADMIN for a in found) or getattr(user, "is_superuser", False):
        return ["/"]
    return sorted({a.unit.path for a in found})


def path_filter(paths: list[str], field: str = "path") -> Q:
    """A filter matching rows whose ``field`` (a unit path) lies under any of ``paths``."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def units_in_scope(user, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
    return Unit.objects.filter(path_filter(unit_paths(user, roles)))


def has_role(user, role: str, unit: Unit) -> bool:
    """Whether ``user`` holds ``role`` at ``unit`` or at a unit above it.

    Strict on purpose: administering or overseeing a unit does not make one its specialist.
    """
    return any(unit.path.startswith(a.unit.path) for a in assignments(user, [role]))


def can_see(user, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in unit_paths(user))
