"""Monitoring pages: dashboard, 766 index, statistics, drill-down lists, late officials and
the periodic report. Thin: every figure comes from the services of this app; every page
checks that the unit lies within the official's roles (``access``)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from motcua.agencies import scope
from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError

from . import access, charts, drill, index, late, periods, statistics, together
from . import report as reports

PAGE_SIZE = 50


def monitoring_view(view):
    """Login required; unit and period read from the request; domain errors shown as pages."""

    @login_required
    @wraps(view)
    def wrapper(request, code=None, *args, **kwargs):
        try:
            unit = access.unit_for(request.user, code)
            period = periods.parse(
                request.GET.get("from"), request.GET.get("to"), request.GET.get("period")
            )
            ctx = _base(request, unit, period)
            return view(request, ctx, *args, **kwargs)
        except DomainError as exc:
            return render(
                request,
                "monitoring/error.html",
                {"message": exc.message, "code": exc.code, "status": exc.status},
                status=exc.status,
            )

    return wrapper


def _base(request, unit, period) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    quick = [
        ("Tháng này", periods.month(today.year, today.month)),
        ("Quý này", periods.quarter(today.year, (today.month - 1) // 3 + 1)),
        ("Năm nay", periods.year(today.year)),
        ("Năm trước", periods.year(today.year - 1)),
    ]
    return {
        "unit": unit,
        "period": period,
        "now": now,
        "judged": period.judged_at(now),
        "query": period.query(),
        "quick": [(label, p, p.query()) for label, p in quick],
        "units": scope.units_in_scope(request.user).order_by("path")[:500],
        "ancestors": [u for u in unit.ancestors() if scope.can_see(request.user, u)],
    }


@login_required
def home(request):
    try:
        unit = access.home_unit(request.user)
    except DomainError as exc:
        return render(request, "monitoring/error.html", {"message": exc.message}, status=403)
    return redirect("monitoring:dashboard", code=unit.code)


def go(request):
    """The unit / period form: back to the same page for the chosen unit."""
    code = request.GET.get("unit", "")
    page = request.GET.get("page", "dashboard")
    if page not in ("dashboard", "index", "statistics", "late", "report"):
        page = "dashboard"
    query = request.GET.copy()
    for key in ("unit", "page"):
        query.pop(key, None)
    return redirect(reverse(f"monitoring:{page}", args=[code]) + "?" + query.urlencode())


def _index_and_ranking(request, unit, period, now, level=None):
    """The unit's index and the ranking of its level, computed together when the unit is
    one of the ranked units."""
    computed: dict = {}
    ranking = _ranking(request, unit, period, now, level, results=computed)
    result = computed.get(unit.pk) or index.compute(unit, period, now=now)
    return result, ranking


@monitoring_view
def dashboard(request, ctx):
    unit, period, now = ctx["unit"], ctx["period"], ctx["now"]
    interval = "day" if period.days <= 62 else ("month" if period.days <= 800 else "quarter")
    # independent parts, computed at the same time on one snapshot (``together``)
    parts = together.run(
        {
            "index": lambda: _index_and_ranking(request, unit, period, now),
            "statistics": lambda: statistics.statistics(unit, period, now=now),
            "trend": lambda: statistics.trend(unit, period, interval),
            "worst": lambda: statistics.worst_procedures(unit, period),
        }
    )
    result, ranking = parts["index"]
    stats, trend = parts["statistics"], parts["trend"]
    f = stats["figures"]
    labels = [t["short"] for t in trend]
    ctx.update(
        nav="dashboard",
        result=result,
        figures=f,
        stats=stats,
        trend_svg=charts.stacked_columns(
            labels,
            [
                (
                    "Giải quyết trước hạn, đúng hạn",
                    [t["resolved_on_time"] for t in trend],
                    charts.GREEN,
                ),
                ("Giải quyết quá hạn", [t["resolved_late"] for t in trend], charts.RED),
            ],
            "Hồ sơ đã giải quyết theo thời gian",
        ),
        received_svg=charts.stacked_columns(
            labels,
            [
                ("Trực tuyến", [t["received_online"] for t in trend], charts.BLUE),
                (
                    "Trực tiếp, bưu chính",
                    [t["received"] - t["received_online"] for t in trend],
                    charts.AMBER,
                ),
            ],
            "Hồ sơ tiếp nhận theo thời gian",
        ),
        channel_svg=charts.donut(
            [
                ("Trực tiếp", f["received_direct"]),
                ("Trực tuyến một phần", f["received_online_partial"]),
                ("Trực tuyến toàn trình", f["received_online_full"]),
                ("Bưu chính công ích", f["received_postal"]),
            ],
            "Hồ sơ tiếp nhận theo kênh",
        ),
        groups_svg=charts.hbars(
            [(f"{g.id}. {g.name}", g.score, g.max) for g in result.groups],
            "Điểm các nhóm chỉ số 766",
        ),
        worst=parts["worst"],
        ranking=ranking,
    )
    return render(request, "monitoring/dashboard.html", ctx)


def _ranking(request, unit, period, now, level=None, results=None) -> dict | None:
    level = level or (unit.level if unit.parent_id else "commune")
    rows = index.ranking(level, period, now=now, results=results, also=[unit])
    if not rows:
        return None
    visible = access.visible_units(request.user)
    mine = next((r for r in rows if r["code"] == unit.code), None)
    return {
        "level": level,
        "rows": [r for r in rows if r["unit"].pk in visible],
        "mine": mine,
        "of": len(rows),
    }


@monitoring_view
def index_page(request, ctx):
    unit, period = ctx["unit"], ctx["period"]
    level = request.GET.get("level") or None
    result, ranking = _index_and_ranking(request, unit, period, ctx["now"], level)
    ctx.update(
        nav="index",
        result=result,
        drillable=drill.INDICATOR_POPULATIONS,
        ranking=ranking,
    )
    return render(request, "monitoring/index.html", ctx)


@monitoring_view
def statistics_page(request, ctx):
    unit, period = ctx["unit"], ctx["period"]
    by = request.GET.get("by", "unit")
    interval = request.GET.get("interval", "month")
    if by not in statistics.BREAKDOWNS:
        by = "unit"
    if interval not in statistics.INTERVALS:
        interval = "month"
    stats = statistics.statistics(unit, period, now=ctx["now"])
    ctx.update(
        nav="statistics",
        stats=stats,
        figures=[
            (k, statistics.LABELS[k], stats["figures"].get(k), drill.FIGURE_POPULATIONS.get(k))
            for k in statistics.LABELS
        ],
        by=by,
        by_label=statistics.BREAKDOWNS[by],
        interval=interval,
        interval_label=statistics.INTERVALS[interval],
        breakdowns=statistics.BREAKDOWNS,
        intervals=statistics.INTERVALS,
        rows=statistics.breakdown(unit, period, by, now=ctx["now"]),
        trend=statistics.trend(unit, period, interval) if period.days <= 3700 else [],
    )
    return render(request, "monitoring/statistics.html", ctx)


@monitoring_view
def dossiers_page(request, ctx):
    unit, period = ctx["unit"], ctx["period"]
    indicator = request.GET.get("indicator")
    part = request.GET.get("part", "numerator")
    population = request.GET.get("population") or "received"
    extra: dict = {}
    if indicator:
        pair = drill.INDICATOR_POPULATIONS.get(indicator)
        if pair is None:
            message = "Chỉ số này không đếm theo hồ sơ."
            return render(request, "monitoring/error.html", {"message": message}, status=422)
        population = pair[0] if part == "numerator" else pair[1]
        if indicator == "4.6":
            extra = {"procedures": index.certified_procedure_ids(period)}
    else:
        population = drill.FIGURE_POPULATIONS.get(population, population)
    try:
        drill.population_q(population, period, ctx["judged"])
    except KeyError:
        return render(request, "monitoring/error.html",
                      {"message": "Không có số liệu này."}, status=404)  # fmt: skip
    procedure_id = request.GET.get("procedure")
    qs = drill.dossiers(
        request.user, unit, population, period, ctx["judged"], extra,
        procedure_id=int(procedure_id) if procedure_id and procedure_id.isdigit() else None,
    )  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    ctx.update(
        nav="index" if indicator else "statistics",
        page=page,
        label=drill.label(population),
        indicator=indicator,
        part=part,
        population=population,
        keep=_keep(request, "trang"),
    )
    return render(request, "monitoring/dossiers.html", ctx)


def _keep(request, drop: str) -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


@monitoring_view
def procedures_page(request, ctx):
    """The procedures behind a TTHC-count indicator (1.x, 3.1, 3.2, 3.5, 3.5b, 4.5a)."""
    result = index.compute(ctx["unit"], ctx["period"], now=ctx["now"])
    try:
        ind = result.indicator(request.GET.get("indicator", ""))
    except KeyError:
        return render(request, "monitoring/error.html",
                      {"message": "Không có chỉ số này."}, status=404)  # fmt: skip
    part = request.GET.get("part", "numerator")
    ids = ind.procedures.get(part, [])
    procedures = Procedure.objects.filter(pk__in=ids).select_related("current_version")
    ctx.update(nav="index", indicator=ind, part=part, procedures=procedures.order_by("code"))
    return render(request, "monitoring/procedures.html", ctx)


@monitoring_view
def late_page(request, ctx):
    unit, period = ctx["unit"], ctx["period"]
    rows = late.responsible(request.user, unit, period, ctx["judged"])
    official = request.GET.get("can-bo")
    qs = late.dossiers(
        request.user, unit, period, ctx["judged"],
        official=int(official) if official and official.isdigit() else None,
        responsible_unit=request.GET.get("don-vi"),
    )  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    ctx.update(nav="late", rows=rows, page=page, keep=_keep(request, "trang"))
    return render(request, "monitoring/late.html", ctx)


@monitoring_view
def report_page(request, ctx):
    unit, period = ctx["unit"], ctx["period"]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf", "json"):
        data = reports.build(unit, period, now=ctx["now"])
        response = HttpResponse(reports.render(data, fmt), content_type=reports.CONTENT_TYPES[fmt])
        if fmt != "json":
            response["Content-Disposition"] = (
                f'attachment; filename="{reports.filename(data, fmt)}"'
            )
        return response
    data = reports.build(unit, period, now=ctx["now"])
    ctx.update(nav="report", r=reports.with_cells(data), columns=reports.UNIT_COLUMNS,
               groups=reports._column_groups())  # fmt: skip
    return render(request, "monitoring/report.html", ctx)
