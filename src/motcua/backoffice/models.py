"""What the back office keeps of its own: the desk's guidance log and officials' notes.

Neither changes a dossier's state (that is ``dossiers.services``' job): guidance given at
the counter creates no dossier at all (domain.md §9.2 item 5), and a note is working
material beside the dossier's event log, not part of it.
"""

from django.conf import settings
from django.db import models

from motcua.agencies.models import Unit
from motcua.catalog.models import ProcedureVersion


class GuidanceKind(models.TextChoices):
    SUPPLEMENT = "supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"
    REFUSAL = "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"


class Guidance(models.Model):
    """Sổ hướng dẫn: a walk-in applicant sent away with Mẫu 02 or Mẫu 03, no dossier made."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="cán bộ hướng dẫn", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(
        Unit, verbose_name="Bộ phận Một cửa", on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        ProcedureVersion, verbose_name="thủ tục", on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField("người được hướng dẫn", max_length=255)
    applicant_id_number = models.CharField("số định danh", max_length=20, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    kind = models.CharField("loại phiếu", max_length=20, choices=GuidanceKind.choices)
    reason = models.TextField("lý do")
    items = models.JSONField("nội dung cần bổ sung, hoàn thiện", default=list, blank=True)
    at = models.DateTimeField("thời điểm", db_index=True)

    class Meta:
        verbose_name = "lượt hướng dẫn tại quầy"
        verbose_name_plural = "sổ hướng dẫn tại quầy"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "at"], name="guidance_unit_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.applicant_name}"

    @property
    def number(self) -> str:
        return f"HD-{self.at:%y%m%d}-{self.pk:05d}"


class Note(models.Model):
    """Ghi chú nội bộ: what officials tell each other about a dossier, with working files.

    Internal: never shown to the applicant, never printed on the control slip.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="backoffice_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    author_name = models.CharField("người ghi", max_length=255)
    text = models.TextField("nội dung", blank=True)
    file = models.ForeignKey(
        "documents.StoredFile", verbose_name="tệp nội bộ", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "ghi chú nội bộ"
        verbose_name_plural = "ghi chú nội bộ"
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.author_name}"
