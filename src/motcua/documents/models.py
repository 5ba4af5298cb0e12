"""Files: stored once by content, checked by what they really are, served only to those
entitled (the views that serve them ask the owning dossier or repository first)."""

from django.conf import settings
from django.db import models


class StoredFile(models.Model):
    """An uploaded or generated file, content-addressed (sha256) under MEDIA_ROOT."""

    sha256 = models.CharField(max_length=64, db_index=True)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    file = models.FileField(upload_to="files/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp"
        verbose_name_plural = "tệp"

    def __str__(self) -> str:
        return self.name
