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


class RepositoryItem(models.Model):
    """One document in a citizen's or organisation's e-data repository (Kho quản lý dữ liệu
    điện tử của tổ chức, cá nhân — NĐ 45/2020 Điều 16, R-DATA-1).

    Filled by the system, not typed in: every component of the owner's dossier that was
    accepted (received), and every e-result issued to them. A later dossier may reuse an item
    instead of uploading the same paper again; the dossier's component is then marked reused.
    """

    class Kind(models.TextChoices):
        COMPONENT = "component", "Thành phần hồ sơ đã được tiếp nhận"
        RESULT = "result", "Kết quả giải quyết thủ tục hành chính điện tử"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="chủ kho dữ liệu", on_delete=models.CASCADE,
        related_name="repository_items",
    )  # fmt: skip
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name = models.CharField(
        "tên giấy tờ", max_length=500, help_text="Tên thành phần hồ sơ hoặc tên kết quả."
    )
    search_name = models.CharField(max_length=500, editable=False, default="")
    file = models.ForeignKey(
        StoredFile, verbose_name="tệp", on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name="từ hồ sơ", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    source_code = models.CharField("mã hồ sơ nguồn", max_length=60, blank=True)
    procedure_name = models.CharField("thủ tục nguồn", max_length=500, blank=True)
    created_at = models.DateTimeField("ngày lưu", auto_now_add=True)

    class Meta:
        verbose_name = "giấy tờ trong kho dữ liệu"
        verbose_name_plural = "kho dữ liệu điện tử"
        ordering = ["owner", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "file"], name="repository_item_unique")
        ]

    def __str__(self) -> str:
        return self.name
