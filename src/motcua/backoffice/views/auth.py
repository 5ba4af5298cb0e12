"""Officials sign in and out at /can-bo/dang-nhap/ (Django's auth views, Vietnamese page)."""

from django.contrib.auth import views as auth_views
from django.urls import reverse


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("backoffice:home")


class LogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return reverse("backoffice:login")
