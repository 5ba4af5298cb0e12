"""Storing files safely: the type is sniffed from the bytes, never taken from the name or
the browser; sizes are limited; identical content is stored once."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from motcua.core.errors import DomainError

from .models import StoredFile

# What the bytes start with, for the types citizens and officials may upload.
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
]
ALLOWED_LABEL = "PDF, JPEG hoặc PNG"


def max_upload_bytes() -> int:
    return getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 10) * 1024 * 1024


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a supported file, from its first bytes; else None."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def store(data: bytes, name: str, *, user=None) -> StoredFile:
    """Check and keep ``data``; raise a DomainError with the reason if it is refused."""
    if not data:
        raise DomainError(f"Tệp «{name}» rỗng.", code="file_empty", field="file")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise DomainError(
            f"Tệp «{name}» dung lượng {len(data) / 1048576:.1f} MB, vượt quá giới hạn "
            f"{limit // 1048576} MB.",
            code="file_too_large",
            field="file",
        )
    kind = sniff(data[:16])
    if kind is None:
        raise DomainError(
            f"Tệp «{name}» không phải {ALLOWED_LABEL} (nội dung tệp không khớp với định dạng "
            "cho phép).",
            code="file_type_not_allowed",
            field="file",
        )
    content_type, extension = kind
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        stored = StoredFile(
            sha256=digest,
            name=name[:255],
            content_type=content_type,
            size=len(data),
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        existing = StoredFile.objects.filter(sha256=digest).exclude(file="").first()
        if existing:
            stored.file.name = existing.file.name
        else:
            stored.file.save(f"{digest}{extension}", ContentFile(data), save=False)
        stored.save()
    return stored
