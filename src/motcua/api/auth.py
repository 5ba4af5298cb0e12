"""Who is calling: an API token (``Authorization: Bearer …``) or a browser session.

A missing or wrong credential answers 401 ``unauthenticated`` (api.main). A session is only
accepted with Django's CSRF check on unsafe methods, so a page on another site cannot make a
logged-in official's browser act; a bearer token is never sent by a browser on its own, so it
needs no CSRF token.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.core.errors import Forbidden

from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens come from ``python -m motcua create-api-token``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.user_for(token.strip())
        if user is None:
            # A wrong token is an error even when a session cookie is also present: the
            # caller meant to use the token.
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, as the back office's pages use it (CSRF enforced on writes)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only once we know who is calling

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise Forbidden(
                "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Tải lại trang rồi thử lại.",
                code="csrf_failed",
            )
        return user


official_auth = [TokenAuth(), SessionAuth()]
