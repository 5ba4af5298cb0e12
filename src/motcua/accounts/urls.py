from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", views.PortalLogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("uy-quyen/", views.representations, name="representations"),
    path("uy-quyen/<int:pk>/cham-dut/", views.revoke_representation, name="revoke"),
    path("dinh-danh/dang-nhap/", views.oidc_start, name="oidc_start"),
    path("dinh-danh/callback/", views.oidc_callback, name="oidc_callback"),
]
