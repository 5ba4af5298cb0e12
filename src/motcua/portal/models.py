"""What the portal keeps of its own: drafts of online dossiers and life-event groupings.

A draft is not a dossier: it has no code and no state, the one-stop unit never sees it. It
holds what the citizen typed and uploaded until they submit; then the dossier is created by
``dossiers.services.submit_online`` and the draft stays, linked to it, as the record of the
e-form values the dossier was filed with.
"""

import uuid

from django.conf import settings
from django.db import models

from motcua.catalog.models import ProcedureVersion, RequiredDocument


class Draft(models.Model):
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Khóa chống gửi trùng: cùng một bản nháp chỉ tạo một hồ sơ.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.CASCADE,
        related_name="portal_drafts",
    )  # fmt: skip
    version = models.ForeignKey(
        ProcedureVersion, verbose_name="thủ tục (phiên bản)", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    values = models.JSONField(
        "nội dung đã nhập",
        default=dict,
        blank=True,
        help_text="Người nộp, nơi nộp, hình thức nhận kết quả và các trường của tờ khai "
        "điện tử, đúng như người nộp đã nhập.",
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name="hồ sơ đã nộp", null=True, blank=True,
        on_delete=models.PROTECT, related_name="portal_draft",
    )  # fmt: skip
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "hồ sơ nháp (trực tuyến)"
        verbose_name_plural = "hồ sơ nháp (trực tuyến)"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "dossier"], name="draft_owner_dossier")]

    def __str__(self) -> str:
        return f"Nháp {self.version.name}"

    @property
    def submitted(self) -> bool:
        return self.dossier_id is not None


class DraftFile(models.Model):
    """A file attached to a draft for one required document: uploaded, or taken from the
    owner's e-data repository (then ``reused_from`` says which item)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(RequiredDocument, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    reused_from = models.ForeignKey(
        "documents.RepositoryItem", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp của hồ sơ nháp"
        verbose_name_plural = "tệp của hồ sơ nháp"
        ordering = ["draft", "document__order", "id"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def reused(self) -> bool:
        return self.reused_from_id is not None


class LifeEvent(models.Model):
    """Sự kiện cuộc sống: procedures grouped by what happens in a person's or a business's
    life (a birth, a marriage, starting a business), as the national portal presents them.
    Procedures are named by their national code, so the groups hold across provinces."""

    slug = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên sự kiện", max_length=200)
    description = models.CharField("mô tả", max_length=500, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    procedure_codes = models.JSONField(
        "mã thủ tục", default=list, help_text="Mã TTHC trên CSDL quốc gia, ví dụ 1.001193."
    )

    class Meta:
        verbose_name = "sự kiện cuộc sống"
        verbose_name_plural = "sự kiện cuộc sống"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name
