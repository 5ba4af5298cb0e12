"""Account pages: register, sign in (locally or through the identity provider), profile,
authorisations. Thin: the rules are in ``services``."""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from joserfc.errors import JoseError

from motcua.core.errors import DomainError
from motcua.documents.services import store

from . import oidc, services
from .forms import LoginForm, ProfileForm, RegistrationForm, RepresentationForm

log = logging.getLogger(__name__)
# Sessions remember which backend signed the user in; OIDC users are ordinary users after
# sign-in, so the model backend loads them on later requests.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class PortalLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc": oidc.config()}

    def get_default_redirect_url(self):
        return reverse("portal:my_dossiers")


class PortalLogoutView(LogoutView):
    next_page = "/"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("portal:my_dossiers")


def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()  # the form's own checks: required fields, the repeated password
        fields = [f for f in form.fields if f != "password2"]
        registration = services.Registration(**{f: form.data.get(f, "").strip() for f in fields})
        registration.password = form.data.get("password", "")
        # The applicant rules too, so that every error shows at once, each by its field.
        for field, message in services.registration_errors(registration).items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, message)
        if not form.errors:
            try:
                user = services.register(registration)
            except services.Invalid as e:  # registered a moment ago by a concurrent request
                for field, message in e.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                login(request, user, backend=SESSION_BACKEND)
                messages.success(request, "Đăng ký tài khoản thành công.")
                return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "accounts/register.html", {"form": form, "oidc": oidc.config()})


@login_required(login_url="accounts:login")
def profile(request):
    current = services.profile_of(request.user)
    initial = {"email": request.user.email}
    if current:
        initial |= {
            "name": current.name,
            "id_number": current.id_number,
            "phone": current.phone,
            "address": current.address,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_contacts(
                request.user,
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
                name=data["name"],
                id_number=data["id_number"],
            )
        except services.Invalid as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Đã lưu thông tin tài khoản.")
            return redirect(
                _safe_next(request, request.GET.get("next") or reverse("accounts:profile"))
            )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "profile": current,
            "representations": services.active_representations(request.user),
        },
    )


@login_required(login_url="accounts:login")
def representations(request):
    form = RepresentationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = data.pop("authorization", None)
            document = store(upload.read(), upload.name, user=request.user) if upload else None
            services.add_representation(request.user, data, authorization=document)
        except services.Invalid as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except DomainError as e:
            form.add_error("authorization", e.message)
        else:
            messages.success(request, "Đã thêm ủy quyền.")
            return redirect("accounts:representations")
    return render(
        request,
        "accounts/representations.html",
        {"form": form, "items": services.active_representations(request.user)},
    )


@login_required(login_url="accounts:login")
@require_POST
def revoke_representation(request, pk: int):
    services.revoke_representation(request.user, pk)
    messages.success(request, "Đã chấm dứt ủy quyền.")
    return redirect("accounts:representations")


# --- OpenID Connect -------------------------------------------------------------------------


def oidc_start(request):
    cfg = oidc.config()
    if cfg is None:
        messages.error(request, "Đăng nhập bằng tài khoản định danh điện tử chưa được cấu hình.")
        return redirect("accounts:login")
    request.session["oidc_next"] = _safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("accounts:oidc_callback"))
    try:
        return oidc.client(cfg).authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        log.exception("OIDC discovery failed")
        return _oidc_failed(request)


def oidc_callback(request):
    cfg = oidc.config()
    if cfg is None:
        return redirect("accounts:login")
    app = oidc.client(cfg)
    try:
        token = app.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(description="Không có ID token")
        extra = app.userinfo(token=token)
        if extra.get("sub") == claims.get("sub"):  # OIDC Core 5.3.2: same subject only
            claims = {**extra, **claims}
        user = services.user_from_identity(cfg.issuer, claims, cfg.id_claim)
    except (AuthlibBaseError, JoseError, requests.RequestException, KeyError) as e:
        log.warning("OIDC sign-in failed: %s", e)
        return _oidc_failed(request)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("accounts:login")
    login(request, user, backend=SESSION_BACKEND)
    target = request.session.pop("oidc_next", None)
    profile = services.profile_of(user)
    if profile is None or not profile.complete:
        messages.info(request, "Vui lòng bổ sung số định danh cá nhân để nộp hồ sơ trực tuyến.")
        return redirect(reverse("accounts:profile") + "?next=" + (target or ""))
    return redirect(_safe_next(request, target))


def _oidc_failed(request):
    messages.error(
        request,
        "Không đăng nhập được qua hệ thống định danh điện tử. Vui lòng thử lại sau hoặc đăng "
        "nhập bằng tài khoản của Cổng.",
    )
    return redirect("accounts:login")
