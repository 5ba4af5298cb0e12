from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/bieu-mau/", include("motcua.forms.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("giam-sat/", include("motcua.monitoring.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("", include("motcua.portal.urls")),
]
