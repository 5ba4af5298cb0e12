"""Who may act where: a role held at a unit covers that unit and its whole subtree.

Every permission check in the back office, the API and the reports goes through here, so a
commune official cannot reach another commune's dossier by guessing its address.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Role, RoleAssignment, Unit


def assignments(user, roles: Iterable[str] | None = None) -> QuerySet[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "official"):
        return RoleAssignment.objects.none()
    qs = RoleAssignment.objects.filter(official=user.official).select_related("unit")
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


# Bumped whenever a role assignment or a unit changes in this process (see ``forget``).
_generation = [0]


def held(user) -> list[tuple[str, str]]:
    """(role, unit path) of every role ``user`` holds.

    Read once per request, not once per check (a receipt checks the desk role, then offers
    the next actions): kept on the user object, which lives for one request, and dropped if
    a role or unit changes meanwhile."""
    kept = getattr(user, "_motcua_roles", None)
    if kept is not None and kept[0] == _generation[0]:
        return kept[1]
    if not getattr(user, "is_authenticated", False):
        return []
    with connection.cursor() as cursor:
        cursor.execute(HELD, [user.pk])
        found = [tuple(row) for row in cursor.fetchall()]
    keep(user, found)
    return found


def keep(user, found: list[tuple[str, str]]) -> None:
    """Keep ``found`` as ``user``'s roles for ``held``: read along with the user where that
    saves a statement (the API reads them with the caller's token)."""
    user._motcua_roles = (_generation[0], found)


# ``assignments(user)`` as (role, unit path), read on every request: written out, as Django
# took several times longer to build the statement than the database to answer it. A user
# who is no official (a citizen) has none.
HELD = """
    SELECT a.role, u.path FROM agencies_roleassignment a
    JOIN agencies_official o ON o.id = a.official_id
    JOIN agencies_unit u ON u.id = a.unit_id
    WHERE o.user_id = %s"""


def generation() -> int:
    """Changes whenever a role assignment or a unit changes in this process."""
    return _generation[0]


def forget(**_signal_kwargs) -> None:
    """Connected to saves and deletions of role assignments and units."""
    _generation[0] += 1


def unit_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    """The subtree prefixes the user's roles cover (a province admin covers everything)."""
    found = [(r, p) for r, p in held(user) if roles is None or r in roles]
    if any(r == Role.PROVINCE_ADMIN for r, _ in found) or getattr(user, "is_superuser", False):
        return ["/"]
    return sorted({p for _, p in found})


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
    return any(r == role and unit.path.startswith(p) for r, p in held(user))


def can_see(user, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in unit_paths(user))
