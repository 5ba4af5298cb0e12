"""The procedure catalog (danh mục thủ tục hành chính), versioned by publication decisions.

A ``Procedure`` is the identity that keeps its national code (mã TTHC) for life. What the
procedure *says* — name, documents, fees, time limit, internal process — lives in a
``ProcedureVersion``. A publication decision (quyết định công bố) publishes a version; from
then on that version is frozen, and an amendment is a new version. Dossiers point at the
version they were received under, so amending a procedure never rewrites history (R-CFG-2).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from motcua.agencies.models import Unit
from motcua.core.text import vn_fold, vn_number


class Field(models.Model):
    """Lĩnh vực: the subject area a procedure belongs to (hộ tịch, đất đai, …)."""

    code = models.CharField("mã lĩnh vực", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DecisionLevel(models.TextChoices):
    MINISTRY = "ministry", "Bộ, ngành trung ương"
    PROVINCE = "province", "Ủy ban nhân dân tỉnh"


class PublicationDecision(models.Model):
    """Quyết định công bố TTHC: publishes new, amended, replaced and abolished procedures."""

    number = models.CharField("số quyết định", max_length=60, unique=True)
    title = models.CharField("trích yếu", max_length=500, blank=True)
    date = models.DateField("ngày ban hành")
    level = models.CharField(
        "cấp ban hành",
        max_length=20,
        choices=DecisionLevel.choices,
        help_text="Chỉ số 766 (1.1): quyết định cấp bộ phải ban hành trước ngày có hiệu lực của "
        "văn bản quy định ít nhất 20 ngày làm việc, cấp tỉnh ít nhất 5 ngày làm việc.",
    )
    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", null=True, blank=True, on_delete=models.PROTECT
    )
    published_on = models.DateField(
        "ngày công khai",
        null=True,
        blank=True,
        help_text="Ngày công khai trên CSDL quốc gia về TTHC (chỉ số 766 1.2: trong 10 ngày làm "
        "việc với cấp bộ, 5 ngày làm việc với cấp tỉnh kể từ ngày quyết định).",
    )

    class Meta:
        verbose_name = "quyết định công bố"
        verbose_name_plural = "quyết định công bố"
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return f"Quyết định số {self.number}"


class Procedure(models.Model):
    """A TTHC identified by its national code; its content lives in versions."""

    code = models.CharField(
        "mã TTHC",
        max_length=30,
        unique=True,
        help_text="Mã thủ tục trên CSDL quốc gia về TTHC, ví dụ 1.001193 hoặc 2.000635.",
    )
    abolished_by = models.ForeignKey(
        PublicationDecision,
        verbose_name="bãi bỏ theo quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abolished_procedures",
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="được thay thế bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name="phiên bản đang công khai",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.code} {name}".strip()

    @property
    def abolished(self) -> bool:
        return self.abolished_by_id is not None

    @property
    def publication_status(self) -> str:
        """R-CFG-3: DANG_CONG_KHAI | DANG_CONG_KHAI_SUA_DOI | BAI_BO (empty while a draft)."""
        if self.abolished:
            return "BAI_BO"
        if not self.current_version_id:
            return ""
        if self.current_version.change_type == ChangeType.NEW:
            return "DANG_CONG_KHAI"
        return "DANG_CONG_KHAI_SUA_DOI"


class TimeUnit(models.TextChoices):
    WORKING_DAY = "WORKING_DAY", "ngày làm việc"
    DAY = "DAY", "ngày"
    WORKING_HOUR = "WORKING_HOUR", "giờ làm việc"
    SAME_DAY = "SAME_DAY", "trong ngày"


class OnlineLevel(models.TextChoices):
    FULL = "FULL", "Toàn trình"
    PARTIAL = "PARTIAL", "Một phần"
    NONE = "NONE", "Không cung cấp trực tuyến"


class ChangeType(models.TextChoices):
    NEW = "NEW", "Ban hành mới"
    AMENDED = "AMENDED", "Sửa đổi, bổ sung"
    REPLACED = "REPLACED", "Thay thế"


class VersionStatus(models.TextChoices):
    DRAFT = "DRAFT", "Dự thảo"
    PUBLISHED = "PUBLISHED", "Đang công khai"
    SUPERSEDED = "SUPERSEDED", "Hết hiệu lực (có phiên bản mới)"
    ABOLISHED = "ABOLISHED", "Bãi bỏ"


class SubjectType(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    ORGANIZATION = "organization", "Tổ chức, doanh nghiệp"


class ImplementingLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"


HOURS_PER_WORKING_DAY = Decimal(8)


class ProcedureVersion(models.Model):
    """What a procedure says, as published by one decision. Frozen once published."""

    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("phiên bản", editable=False)
    status = models.CharField(
        "trạng thái",
        max_length=20,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        editable=False,
    )
    decision = models.ForeignKey(
        PublicationDecision,
        verbose_name="quyết định công bố",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    change_type = models.CharField(
        "hình thức công bố", max_length=20, choices=ChangeType.choices, default=ChangeType.NEW
    )
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(
        Field, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="versions"
    )
    levels = models.JSONField(
        "cấp thực hiện", default=list, help_text="Một hoặc nhiều cấp: province, commune…"
    )
    implementing_units = models.ManyToManyField(
        Unit, verbose_name="cơ quan thực hiện", related_name="procedure_versions", blank=True
    )
    description = models.TextField("tóm tắt", blank=True)
    procedure_steps = models.TextField("trình tự thực hiện", blank=True)
    methods = models.TextField("cách thức thực hiện", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    subject_types = models.JSONField(
        "đối tượng thực hiện", default=list, help_text="citizen và/hoặc organization"
    )
    time_limit_value = models.DecimalField("thời hạn giải quyết", max_digits=6, decimal_places=1)
    time_limit_unit = models.CharField("đơn vị thời hạn", max_length=20, choices=TimeUnit.choices)
    online_time_limit_value = models.DecimalField(
        "thời hạn khi nộp trực tuyến", max_digits=6, decimal_places=1, null=True, blank=True
    )
    online_time_limit_unit = models.CharField(
        "đơn vị thời hạn trực tuyến", max_length=20, choices=TimeUnit.choices, blank=True
    )
    same_day_cutoff = models.TimeField(
        "giờ tiếp nhận muộn nhất trong ngày",
        default="15:00",
        help_text="Thủ tục giải quyết trong ngày: tiếp nhận sau giờ này thì trả kết quả trong "
        "ngày làm việc tiếp theo.",
    )
    online_level = models.CharField(
        "mức độ dịch vụ công trực tuyến",
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    full_online_eligible = models.BooleanField(
        "đủ điều kiện cung cấp toàn trình",
        default=False,
        help_text="Cờ trên CSDL quốc gia về TTHC, dùng cho chỉ số 766 (3.1).",
    )
    requires_written_result = models.BooleanField(
        "kết quả là văn bản giấy tờ",
        default=True,
        help_text="Thủ tục có kết quả giải quyết bằng văn bản: bắt buộc có kết quả điện tử "
        "(chỉ số 766, 4.1).",
    )
    result_name = models.CharField("kết quả thực hiện", max_length=500, blank=True)
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    legal_basis_effective_date = models.DateField(
        "ngày có hiệu lực của văn bản quy định", null=True, blank=True
    )
    search_name = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="PUBLISHED"),
                name="one_published_version_per_procedure",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="DRAFT"),
                name="one_draft_version_per_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.name} (phiên bản {self.number})"

    @property
    def frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def has_fees(self) -> bool:
        return any(fee.amount > 0 for fee in self.fees.all())

    @property
    def legal_hours(self) -> Decimal | None:
        """The legal time limit in working hours (1 ngày = 8 giờ), which the steps share."""
        value, unit = self.time_limit_value, self.time_limit_unit
        if value is None:
            return None
        if unit in (TimeUnit.WORKING_DAY, TimeUnit.DAY):
            return value * HOURS_PER_WORKING_DAY
        if unit == TimeUnit.WORKING_HOUR:
            return value
        return HOURS_PER_WORKING_DAY  # SAME_DAY: at most one working day

    def time_limit_display(self) -> str:
        if self.time_limit_unit == TimeUnit.SAME_DAY:
            return "Trong ngày làm việc"
        return f"{vn_number(self.time_limit_value)} {self.get_time_limit_unit_display()}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk).exclude(status="DRAFT").exists():
            raise ValidationError(
                "Phiên bản đã công bố không được sửa; hãy tạo phiên bản sửa đổi mới."
            )
        if not self.number:
            last = ProcedureVersion.objects.filter(procedure=self.procedure_id).aggregate(
                n=models.Max("number")
            )["n"]
            self.number = (last or 0) + 1
        self.search_name = vn_fold(f"{self.name} {self.procedure.code}")
        self.search_body = vn_fold(
            " ".join([self.description, self.result_name, self.procedure_steps, self.conditions])
        )
        super().save(*args, **kwargs)


class FrozenWithVersion(models.Model):
    """A part of a version (document, fee, step): editable only while the version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        status = ProcedureVersion.objects.filter(pk=self.version_id).values_list(
            "status", flat=True
        )
        if status and status[0] != VersionStatus.DRAFT:
            raise ValidationError(
                "Phiên bản đã công bố không được sửa; hãy tạo phiên bản sửa đổi mới."
            )


class RequiredDocument(FrozenWithVersion):
    """Thành phần hồ sơ: a document the applicant hands in."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên giấy tờ", max_length=500)
    originals = models.PositiveSmallIntegerField("số bản chính", default=1)
    copies = models.PositiveSmallIntegerField("số bản sao", default=0)
    optional = models.BooleanField("không bắt buộc", default=False)
    reusable = models.BooleanField(
        "có thể tái sử dụng",
        default=False,
        help_text="Có thể lấy từ kho dữ liệu điện tử của tổ chức, cá nhân thay vì nộp lại.",
    )
    template = models.FileField("mẫu đơn, tờ khai", upload_to="templates/", blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="document_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    LE_PHI = "LE_PHI", "Lệ phí"
    PHI = "PHI", "Phí"


class Fee(FrozenWithVersion):
    """Phí, lệ phí of a procedure, in đồng."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField("loại", max_length=10, choices=FeeKind.choices)
    name = models.CharField("tên phí, lệ phí", max_length=500)
    amount = models.DecimalField("mức thu (đồng)", max_digits=14, decimal_places=0, default=0)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,.0f} đồng".replace(",", ".")


class StepUnit:
    """Where a step acts, besides a fixed unit code."""

    RECEIVING = "@receiving"  # the one-stop unit that received the dossier
    COMPETENT = "@competent"  # the unit resolving it, chosen at receipt


class ProcessStep(FrozenWithVersion):
    """A step of the internal process (quy trình nội bộ): who acts, and for how long."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("bước")
    name = models.CharField("nội dung công việc", max_length=300)
    role = models.CharField(
        "vai trò thực hiện",
        max_length=20,
        choices=[
            ("RECEIVER", "Cán bộ tiếp nhận và trả kết quả"),
            ("SPECIALIST", "Chuyên viên thụ lý"),
            ("HEAD", "Lãnh đạo đơn vị (phê duyệt)"),
        ],
    )
    unit_ref = models.CharField(
        "đơn vị thực hiện",
        max_length=40,
        default=StepUnit.COMPETENT,
        help_text="@receiving: Bộ phận Một cửa tiếp nhận; @competent: cơ quan giải quyết; hoặc "
        "mã định danh của một cơ quan cụ thể (bước liên thông).",
    )
    hours = models.DecimalField("thời gian (giờ làm việc)", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="step_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"Bước {self.order}: {self.name}"
