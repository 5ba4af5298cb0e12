"""Citizen-facing pages. Thin: they read through the catalog services."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from motcua.catalog import services
from motcua.catalog.models import Field, Procedure


def home(request):
    fields = Field.objects.annotate(
        n=Count("versions", filter=Q(versions__status="PUBLISHED"))
    ).filter(n__gt=0)
    return render(request, "portal/home.html", {"fields": fields})


def procedure_list(request):
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field") or None
    results = services.search(q, field=field).prefetch_related("implementing_units")
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/procedure_list.html",
        {"q": q, "field": field, "page": page, "fields": Field.objects.all()},
    )


def procedure_detail(request, code: str):
    procedure = get_object_or_404(Procedure, code=code)
    version = procedure.current_version
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "v": version,
            "documents": version.documents.all(),
            "fees": version.fees.all(),
            "steps": version.steps.all(),
            "units": version.implementing_units.all(),
        },
    )
