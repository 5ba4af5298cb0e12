"""The dossier (hồ sơ) and its event log.

A dossier's columns are a denormalised convenience for lists and inboxes; the record is the
``Event`` log, which is append-only. Only ``dossiers.services`` writes either (it checks the
transition table in ``dossiers.transitions``), so these models carry no state logic.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from motcua.agencies.models import Unit
from motcua.catalog.models import ProcedureVersion, RequiredDocument


class State(models.TextChoices):
    DRAFT = "DRAFT", "Hồ sơ nháp"
    SUBMITTED = "SUBMITTED", "Mới đăng ký, chờ tiếp nhận"
    RECEIVED = "RECEIVED", "Đã tiếp nhận"
    REJECTED = "REJECTED", "Từ chối tiếp nhận"
    IN_PROCESS = "IN_PROCESS", "Đang xử lý"
    WAITING_SUPPLEMENT = "WAITING_SUPPLEMENT", "Chờ bổ sung hồ sơ"
    WAITING_PAYMENT = "WAITING_PAYMENT", "Chờ thực hiện nghĩa vụ tài chính"
    WITHDRAWN = "WITHDRAWN", "Công dân rút hồ sơ"
    STOPPED = "STOPPED", "Dừng xử lý"
    RESOLVED = "RESOLVED", "Đã xử lý xong, chờ trả kết quả"
    RETURNED = "RETURNED", "Đã trả kết quả"


# Trạng thái hồ sơ đồng bộ Cổng DVCQG (domain.md §1.4, §9.2).
NATIONAL_CODE = {
    State.SUBMITTED: 1,
    State.RECEIVED: 2,
    State.REJECTED: 3,
    State.IN_PROCESS: 4,
    State.WAITING_SUPPLEMENT: 5,
    State.WAITING_PAYMENT: 6,
    State.WITHDRAWN: 7,
    State.STOPPED: 8,
    State.RESOLVED: 9,
    State.RETURNED: 10,
}
TERMINAL = {State.REJECTED, State.WITHDRAWN, State.STOPPED, State.RETURNED}
FINISHED = TERMINAL | {State.RESOLVED}


class Channel(models.TextChoices):
    DIRECT = "direct", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Bưu chính công ích"


class ReturnMethod(models.TextChoices):
    DESK = "desk", "Tại Bộ phận Một cửa"
    POST = "post", "Qua dịch vụ bưu chính công ích"
    ONLINE = "online", "Trực tuyến (kết quả điện tử)"


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    ORGANIZATION = "organization", "Tổ chức, doanh nghiệp"


class Verdict(models.TextChoices):
    EARLY = "EARLY", "Trước hạn"
    ON_TIME = "ON_TIME", "Đúng hạn"
    LATE = "LATE", "Quá hạn"


class CodeSequence(models.Model):
    """Reserves dossier numbers: one row per receiving agency and day (R-CODE-1).

    The row is locked while a dossier is created and rolled back with it, so numbers are
    neither skipped nor repeated even when many officials receive at once.
    """

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="code_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day:%d/%m/%Y}: {self.last}"


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=60, unique=True, null=True, blank=True)
    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="thủ tục (phiên bản)",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    rule_set = models.CharField(
        "quy định áp dụng",
        max_length=20,
        help_text="Bộ quy định có hiệu lực tại thời điểm tiếp nhận (NĐ 61/2018 + TT 01/2018 "
        "hoặc NĐ 118/2025 + TT 03/2025).",
    )
    state = models.CharField("trạng thái", max_length=20, choices=State.choices)
    channel = models.CharField("hình thức nộp", max_length=10, choices=Channel.choices)
    row_version = models.PositiveIntegerField(
        default=1, help_text="Tăng sau mỗi thay đổi; dùng để phát hiện hai người cùng xử lý."
    )

    # Người nộp (applicant) as declared at submission; kept with the dossier for its record.
    applicant_type = models.CharField(
        "đối tượng", max_length=20, choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField("tên người nộp / tổ chức", max_length=255)
    applicant_id_number = models.CharField("số định danh cá nhân / mã số thuế", max_length=20)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    representative_name = models.CharField("người được ủy quyền", max_length=255, blank=True)
    representative_id_number = models.CharField(
        "số định danh người được ủy quyền", max_length=20, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản nộp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    summary = models.CharField("trích yếu", max_length=1000, blank=True)
    sets = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)
    return_method = models.CharField(
        "hình thức nhận kết quả",
        max_length=10,
        choices=ReturnMethod.choices,
        default=ReturnMethod.DESK,
    )
    return_address = models.CharField("địa chỉ nhận kết quả", max_length=500, blank=True)

    # Where it is and who holds it.
    # Indexed with the due date (see Meta): a unit's list is read in due order from them.
    receiving_unit = models.ForeignKey(
        Unit,
        verbose_name="nơi tiếp nhận",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    competent_unit = models.ForeignKey(
        Unit,
        verbose_name="cơ quan giải quyết",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    current_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị đang xử lý",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Unit paths, copied so that "dossiers my units may see" is an indexed prefix query.
    receiving_path = models.CharField(max_length=500)
    competent_path = models.CharField(max_length=500)
    current_path = models.CharField(max_length=500)
    step_order = models.PositiveSmallIntegerField("bước hiện tại", null=True, blank=True)
    step_name = models.CharField("tên bước hiện tại", max_length=300, blank=True)
    step_role = models.CharField("vai trò xử lý bước", max_length=20, blank=True)
    step_started_at = models.DateTimeField("bắt đầu bước", null=True, blank=True)
    step_due_at = models.DateTimeField("hạn xử lý bước", null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đang xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    lien_thong_from_step = models.PositiveSmallIntegerField(
        "bước chuyển liên thông", null=True, blank=True
    )

    # Times (NgayNopHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra).
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(
        "ngày hẹn trả (ban đầu)",
        null=True,
        blank=True,
        help_text="Ngày hẹn trả trên Giấy tiếp nhận; thống kê đúng hạn so với ngày này "
        "(cộng thời gian tạm dừng), không so với ngày hẹn lại.",
    )
    due_at = models.DateTimeField(
        "ngày hẹn trả",
        null=True,
        blank=True,
        db_index=True,
        help_text="Ngày hẹn trả ban đầu, lùi theo thời gian tạm dừng (bổ sung, nghĩa vụ tài "
        "chính).",
    )
    rescheduled_due_at = models.DateTimeField("ngày hẹn trả lại", null=True, blank=True)
    paused_at = models.DateTimeField("tạm dừng từ", null=True, blank=True)
    finished_at = models.DateTimeField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)

    # Counters the reports read.
    supplement_requests = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    apologies = models.PositiveSmallIntegerField("số lần xin lỗi, hẹn lại", default=0)
    fee_total = models.DecimalField("tổng phí, lệ phí", max_digits=14, decimal_places=0, default=0)
    paid_online = models.BooleanField("thanh toán trực tuyến", default=False)
    e_result = models.BooleanField("có kết quả điện tử", default=False)
    result_number = models.CharField("số, ký hiệu kết quả", max_length=100, blank=True)
    result_file = models.ForeignKey(
        "documents.StoredFile",
        verbose_name="kết quả điện tử",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(
        "kết quả so với hạn", max_length=10, choices=Verdict.choices, blank=True
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at", "-id"]
        # Every index is paid by every receipt: each one here serves a list, a filter or a
        # lookup. Django's automatic "_like" twins of char columns are left out where only
        # equality is asked; the paths have only the pattern index (prefix and equality).
        indexes = [
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id"),
            *(
                models.Index(
                    fields=[f"{c}_path"],
                    opclasses=["varchar_pattern_ops"],
                    name=f"dossier_{c}_path",
                )
                for c in ("receiving", "competent", "current")
            ),
            # a unit's dossiers in due order (queries.first_visible)
            *(
                models.Index(fields=[f"{c}_unit", "due_at", "id"], name=f"dossier_{c}_due")
                for c in ("receiving", "competent", "current")
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="dossier_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.code or f"Hồ sơ nháp #{self.pk}"

    @property
    def national_code(self) -> int | None:
        return NATIONAL_CODE.get(self.state)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def procedure_name(self) -> str:
        return self.version.name


class ComponentForm(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    COPY = "copy", "Bản sao"
    CERTIFIED_COPY = "certified_copy", "Bản sao chứng thực"
    ELECTRONIC = "electronic", "Bản điện tử"


class Component(models.Model):
    """Thành phần hồ sơ as received (per the procedure's required-document list)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    document = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("tên giấy tờ", max_length=500)
    form = models.CharField("hình thức", max_length=20, choices=ComponentForm.choices)
    count = models.PositiveSmallIntegerField("số lượng", default=1)
    digitized = models.BooleanField("đã số hóa", default=False)
    file = models.ForeignKey(
        "documents.StoredFile",
        verbose_name="tệp đính kèm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reused = models.BooleanField(
        "tái sử dụng từ kho dữ liệu",
        default=False,
        help_text="Lấy từ kho dữ liệu điện tử thay vì nộp lại (DuocTaiSuDung, chỉ số 766 4.3).",
    )

    class Meta:
        verbose_name = "thành phần hồ sơ đã nộp"
        verbose_name_plural = "thành phần hồ sơ đã nộp"
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierFee(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("tên phí, lệ phí", max_length=500)
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)

    class Meta:
        verbose_name = "phí, lệ phí của hồ sơ"
        verbose_name_plural = "phí, lệ phí của hồ sơ"

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} đồng"


class Event(models.Model):
    """One change of a dossier: who, when, where, from which state to which, and why.

    Append-only: saving an existing event or deleting one raises. The processing control
    slip (Phiếu kiểm soát), the tracking history, audits and monitoring are read from here.
    """

    # indexed by the (dossier, seq) constraint
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField("thứ tự")
    action = models.CharField("thao tác", max_length=40)
    at = models.DateTimeField("thời điểm")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("người thực hiện", max_length=255, blank=True)
    role = models.CharField("vai trò", max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField("từ trạng thái", max_length=20, blank=True)
    to_state = models.CharField("sang trạng thái", max_length=20)
    step_order = models.PositiveSmallIntegerField("bước", null=True, blank=True)
    step_name = models.CharField("tên bước", max_length=300, blank=True)
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_step_order = models.PositiveSmallIntegerField("chuyển đến bước", null=True, blank=True)
    note = models.TextField("nội dung, ghi chú", blank=True)
    due_before = models.DateTimeField("hạn trước thay đổi", null=True, blank=True)
    due_after = models.DateTimeField("hạn sau thay đổi", null=True, blank=True)
    step_due = models.DateTimeField("hạn xử lý bước", null=True, blank=True)
    verdict = models.CharField(
        "kết quả bàn giao", max_length=10, choices=Verdict.choices, blank=True
    )
    data = models.JSONField("dữ liệu kèm theo", default=dict, blank=True)

    class Meta:
        verbose_name = "nhật ký xử lý"
        verbose_name_plural = "nhật ký xử lý"
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Nhật ký xử lý không được sửa; hãy ghi một sự kiện điều chỉnh.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Nhật ký xử lý không được xóa.")
