"""API tokens: how other systems (and scripts) act as an official without a browser session.

A token is ``<prefix>.<secret>``. Only the prefix (to find the row) and the SHA-256 of the
whole token are stored, never the token itself: it is shown once, when it is created, and a
lost token is revoked and replaced, not recovered.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

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
        rows = cls.objects.active().select_related("user__official")  # scope reads official
        row = rows.filter(prefix=prefix).first()
        # The prefix is public-ish (it is in admin lists); the hash comparison is what checks
        # the secret, in constant time so its timing tells nothing.
        if row is None or not hmac.compare_digest(row.key_hash, digest(token)):
            return None
        row.touch()
        return row.user

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
