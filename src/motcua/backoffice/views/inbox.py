"""Inboxes: mine, my unit's, search; the online intake queue; results to hand over."""

from datetime import date

from django.core.paginator import Paginator
from django.utils import timezone

from motcua.agencies import scope
from motcua.agencies.models import Role
from motcua.dossiers.models import State
from motcua.dossiers.queries import visible_to

from .. import inbox
from ..access import official_required
from .common import page

PAGE_SIZE = 50


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(get) -> inbox.Filters:
    return inbox.Filters(
        q=get.get("q", "")[:100],
        procedure=get.get("thu-tuc", "")[:100],
        state=get.get("trang-thai", ""),
        since=_date(get.get("tu-ngay", "")),
        until=_date(get.get("den-ngay", "")),
        due=get.get("han", ""),
    )


def _table(request, qs, now, **extra) -> dict:
    qs = inbox.for_list(qs)
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return {
        "page": page_obj,
        "rows": inbox.decorate(page_obj.object_list, now),
        "query": query.urlencode(),
        "now": now,
        **extra,
    }


@official_required
def inbox_view(request):
    now = timezone.now()
    scope_key = request.GET.get("pham-vi", "toi")
    if scope_key not in inbox.SCOPES:
        scope_key = "toi"
    f = _filters(request.GET)
    qs = inbox.ordered(inbox.apply(inbox.base(request.user, scope_key), f, now), scope_key)
    context = _table(request, qs, now, scope_key=scope_key, scopes=inbox.SCOPES, f=f)
    context["nav"] = "search" if scope_key == "tat-ca" else "inbox"
    if request.htmx and request.htmx.target == "ket-qua":
        return page(request, "backoffice/partials/inbox_table.html", context)
    context.update(
        states=State.choices,
        due_filters=inbox.DUE_FILTERS,
        warnings=inbox.warnings(request.user, now),
        due_soon=_due_soon(request.user, now),
    )
    return page(request, "backoffice/inbox.html", context)


def _due_soon(user, now):
    """The few most urgent of the official's own dossiers for the warning panel."""
    qs = inbox.mine(user).filter(
        inbox.due_filter("qua-han", now) | inbox.due_filter("sap-den-han", now)
    )
    qs = inbox.for_list(inbox.ordered(qs, "toi"))
    return inbox.decorate(qs[:5], now)


def _desk_queue(request, state: str, title: str, order: str, template: str, nav: str):
    now = timezone.now()
    paths = scope.unit_paths(request.user, [Role.RECEIVER])
    qs = visible_to(request.user).filter(scope.path_filter(paths, "receiving_path"), state=state)
    f = _filters(request.GET)
    qs = inbox.with_deadline(inbox.apply(qs, f, now)).order_by(order, "id")
    context = _table(request, qs, now, title=title, f=f, scope_key="", nav=nav)
    if request.htmx and request.htmx.target == "ket-qua":
        return page(request, "backoffice/partials/inbox_table.html", context)
    return page(request, template, context)


@official_required
def online_intake(request):
    """Hồ sơ trực tuyến chờ tiếp nhận: oldest first, the applicant waits for an answer."""
    return _desk_queue(
        request, State.SUBMITTED, "Hồ sơ trực tuyến chờ tiếp nhận", "submitted_at",
        "backoffice/online_intake.html", "online",
    )  # fmt: skip


@official_required
def returns(request):
    """Kết quả chờ trả: resolved dossiers of the desk, the earliest due first."""
    return _desk_queue(
        request,
        State.RESOLVED,
        "Kết quả chờ trả",
        "due_at",
        "backoffice/returns.html",
        "returns",
    )
