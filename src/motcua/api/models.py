"""API tokens: how other systems (and scripts) act as an official without a browser session.

A token is ``<prefix>.<secret>``. Only the prefix (to find the row) and the SHA-256 of the
whole token are stored, never the token itself: it is shown once, when it is created, and a
lost token is revoked and replaced, not recovered.
"""

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from motcua.agencies import scope
from motcua.agencies.models import Official
from motcua.core import rows

PREFIX_BYTES = 6  # 8 URL-safe characters
SECRET_BYTES = 32
# Writing last_used on every call would turn each read into a write; once a minute is enough
# to tell a live integration from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    name = models.CharField(
        "tên", max_length=200, help_text="Hệ thống hoặc mục đích dùng mã, ví dụ «Cổng DVCQG»."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ sử dụng",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Mã truy cập có đúng quyền (vai trò, đơn vị) của cán bộ này.",
    )
    prefix = models.CharField("tiền tố", max_length=16, unique=True, editable=False)
    key_hash = models.CharField("SHA-256 của mã", max_length=64, editable=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    last_used = models.DateTimeField("lần dùng gần nhất", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("ngày thu hồi", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token for ``user``: the row and the token text, which exists only here."""
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        token = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
        row = cls.objects.create(user=user, name=name, prefix=prefix, key_hash=digest(token))
        return row, token

    @classmethod
    def user_for(cls, token: str):
        """The active user a token belongs to, or None (unknown, wrong, revoked, inactive)."""
        prefix, dot, _secret = token.partition(".")
        if not dot or not prefix:
            return None
        found = rows.run(_caller_statement(), [prefix])  # a row per role held (≥ 1)
        # The prefix is public-ish (it is in admin lists); the hash comparison is what checks
        # the secret, in constant time so its timing tells nothing.
        if not found or not hmac.compare_digest(found[0][_KEY_HASH], digest(token)):
            return None
        row, user = _caller(found[0])
        scope.keep(user, [(role, path) for *_, role, path in found if role is not None])
        row.touch()
        return user

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# Who is calling: the token, its user and the user's official record (which the services
# read) — ``ApiToken.objects.active().select_related("user__official")`` — and the roles the
# user holds (``scope.held``), written out: checked on every API call, Django took several
# times longer to build the statements than the database to answer them.
_KEY_HASH = [f.name for f in ApiToken._meta.concrete_fields].index("key_hash")


@functools.cache
def _caller_statement() -> str:
    return f"""
        SELECT {rows.columns(ApiToken, "t")}, {rows.columns(get_user_model(), "u")},
               {rows.columns(Official, "o")}, a.role, au.path
        FROM api_apitoken t JOIN {get_user_model()._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN agencies_official o ON o.user_id = u.id
        LEFT JOIN agencies_roleassignment a ON a.official_id = o.id
        LEFT JOIN agencies_unit au ON au.id = a.unit_id
        WHERE t.prefix = %s AND t.revoked_at IS NULL AND u.is_active"""


def _caller(found: tuple):
    """The token's row and its user, their official record attached, from a row of
    ``_caller_statement``."""
    user_model = get_user_model()
    token_end = len(ApiToken._meta.concrete_fields)
    user_end = token_end + len(user_model._meta.concrete_fields)
    row = rows.load(ApiToken, found[:token_end])
    row.user = user = rows.load(user_model, found[token_end:user_end])
    if found[user_end] is None:  # no official record, and known to have none
        user_model.official.related.set_cached_value(user, None)
    else:
        user.official = rows.load(Official, found[user_end:-2])
    return row, user
