"""Who may read which unit's figures: an official, for the units their roles cover.

A role held at a unit covers its whole subtree (``agencies.scope``); a province
administrator or a leader at the province covers everything. Dossier lists behind a figure
are further filtered by ``dossiers.queries.visible_to``.
"""

from motcua.agencies import scope
from motcua.agencies.models import Unit
from motcua.core.errors import Forbidden, NotFound


def require_official(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise Forbidden("Vui lòng đăng nhập bằng tài khoản cán bộ.", code="login_required")
    if not (getattr(user, "is_superuser", False) or hasattr(user, "official")):
        raise Forbidden("Chỉ cán bộ, công chức được xem số liệu giám sát.", code="officials_only")


def home_unit(user) -> Unit:
    """The widest unit the user's roles cover (the first page they see)."""
    require_official(user)
    unit = scope.units_in_scope(user).order_by("depth", "path").first()
    if unit is None:
        raise Forbidden("Tài khoản chưa được phân quyền tại đơn vị nào.", code="no_unit")
    return unit


def unit_for(user, code: str | None) -> Unit:
    """The unit ``code`` if the user may read it: unknown → 404, outside scope → 403."""
    require_official(user)
    if not code:
        return home_unit(user)
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise NotFound(f"Không có cơ quan, đơn vị mã «{code}».", code="unknown_unit", field="unit")
    if not scope.can_see(user, unit):
        raise Forbidden(
            f"Bạn không có quyền xem số liệu của {unit.name}.", code="unit_out_of_scope"
        )
    return unit


def visible_units(user) -> set[int]:
    return set(scope.units_in_scope(user).values_list("pk", flat=True))
