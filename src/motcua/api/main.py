"""The REST API (django-ninja): routers over the apps' services, nothing more.

Every error is JSON with a stable ``code`` and a Vietnamese ``message``; the OpenAPI
document is served at /api/openapi.json and the interactive docs at /api/docs.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.core.errors import DomainError

from . import calendar, catalog, dossiers, monitoring, units
from .inputs import SafeParser

api = NinjaAPI(
    title="Mot Cua API",
    version="1",
    description="Hệ thống thông tin giải quyết thủ tục hành chính — API phiên bản 1.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=SafeParser(),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    fields = ", ".join(d["field"] for d in details if d["field"])
    return api.create_response(
        request,
        {
            "code": "validation_error",
            "message": f"Dữ liệu gửi lên không hợp lệ{': ' + fields if fields else ''}.",
            "errors": details,
        },
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": "Không tìm thấy."}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own errors (a body that is not JSON: 400) in the same shape as the others."""
    if exc.status_code == 400:
        code, message = "bad_request", "Nội dung gửi lên không đọc được (cần JSON hợp lệ)."
    else:
        code, message = "http_error", str(exc)
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Cần đăng nhập hoặc mã truy cập (token) hợp lệ."},
        status=401,
    )


api.add_router("/v1/procedures", catalog.router)
api.add_router("/v1/units", units.router)
api.add_router("/v1/calendar", calendar.router)
api.add_router("/v1/dossiers", dossiers.router)
api.add_router("/v1/tracking", dossiers.tracking_router)
api.add_router("/v1/monitoring", monitoring.router)
