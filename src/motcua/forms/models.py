"""Online-service forms (biểu mẫu điện tử, tờ khai trực tuyến) per procedure version.

A procedure version offered online has one *live* form definition: the fields a citizen
fills in and the attachments mapped to the version's required-document list (thành phần hồ
sơ). Like catalog versions, a published definition is frozen: to change it an official
opens a draft revision (a copy), edits it and publishes it, which supersedes the old one.
So each version has at most one published and one draft definition, and a dossier filed
against revision N can always be read against revision N.

When the catalog publishes a new version of a procedure, its form follows: the first time
the new version's form is asked for, the previous version's definition is copied onto it
(``services.definition_for``), with the attachments re-mapped to the new document list.
"""

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from motcua.catalog.models import ProcedureVersion, RequiredDocument

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
ATTACHMENT_PREFIX = "giay_to_"


class DefinitionStatus(models.TextChoices):
    DRAFT = "DRAFT", "Bản nháp"
    PUBLISHED = "PUBLISHED", "Đã công bố"
    SUPERSEDED = "SUPERSEDED", "Đã thay thế bằng bản sửa đổi"


class FieldType(models.TextChoices):
    TEXT = "text", "Văn bản ngắn"
    TEXTAREA = "textarea", "Đoạn văn bản dài"
    NUMBER = "number", "Số"
    DATE = "date", "Ngày tháng"
    SELECT = "select", "Danh sách thả xuống (chọn một)"
    RADIO = "radio", "Nút chọn (chọn một)"
    CHECKBOX = "checkbox", "Ô đánh dấu (một ô, hoặc nhiều lựa chọn)"
    EMAIL = "email", "Thư điện tử"
    PHONE = "phone", "Số điện thoại"
    ID_NUMBER = "id_number", "Số định danh cá nhân (CCCD, 12 chữ số)"
    TAX_CODE = "tax_code", "Mã số thuế"


# Types whose values come from the field's own list of options.
CHOICE_TYPES = {FieldType.SELECT, FieldType.RADIO, FieldType.CHECKBOX}


class Prefill(models.TextChoices):
    """Where a field's initial value comes from: the applicant's account profile.

    The binding also tells the portal which field holds the applicant's identity when it
    files the dossier (``services.applicant_data``)."""

    NONE = "none", "Không tự điền"
    NAME = "name", "Họ và tên"
    ID_NUMBER = "id_number", "Số định danh cá nhân"
    PHONE = "phone", "Số điện thoại"
    EMAIL = "email", "Thư điện tử"
    ADDRESS = "address", "Địa chỉ"


class Requirement(models.TextChoices):
    REQUIRED = "required", "Bắt buộc đính kèm"
    OPTIONAL = "optional", "Không bắt buộc"
    NOT_ONLINE = "not_online", "Không yêu cầu khi nộp trực tuyến"


FROZEN_MESSAGE = "Biểu mẫu đã công bố không được sửa; hãy tạo bản sửa đổi mới."


class FormDefinition(models.Model):
    """The online form of one procedure version (one revision of it)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="phiên bản thủ tục",
        on_delete=models.CASCADE,
        related_name="form_definitions",
    )
    revision = models.PositiveIntegerField("lần sửa đổi", editable=False)
    status = models.CharField(
        "trạng thái",
        max_length=20,
        choices=DefinitionStatus.choices,
        default=DefinitionStatus.DRAFT,
        editable=False,
    )
    intro = models.TextField(
        "hướng dẫn kê khai",
        blank=True,
        help_text="Hiện ở đầu biểu mẫu cho người nộp hồ sơ.",
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name="sao chép từ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField("ngày công bố", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip

    class Meta:
        verbose_name = "biểu mẫu trực tuyến"
        verbose_name_plural = "biểu mẫu trực tuyến"
        ordering = ["version", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "revision"], name="form_definition_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(status="PUBLISHED"),
                name="one_published_form_per_version",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(status="DRAFT"),
                name="one_draft_form_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Biểu mẫu {self.version} — lần {self.revision}"

    @property
    def frozen(self) -> bool:
        return self.status != DefinitionStatus.DRAFT

    @property
    def is_default(self) -> bool:
        """True for the form derived from the procedure when no official built one."""
        return self.pk is None

    @cached_property
    def all_fields(self) -> list["FormField"]:
        """The fields in order (a default definition sets this list itself)."""
        return list(self.fields.all())

    @cached_property
    def all_attachments(self) -> list["FormAttachment"]:
        """One attachment per required document of the version, in the document order.

        A document added to a draft catalog version after the form was built still appears,
        with the catalog's own flags, so the form never silently drops a document."""
        rows = {a.document_id: a for a in self.attachments.all()}
        result = []
        for doc in self.version.documents.all():
            row = rows.get(doc.pk) or FormAttachment.default_for(self, doc)
            row.document = doc
            result.append(row)
        return result

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk).exclude(status="DRAFT").exists():
            raise ValidationError(FROZEN_MESSAGE)
        if not self.revision:
            last = FormDefinition.objects.filter(version=self.version_id).aggregate(
                n=models.Max("revision")
            )["n"]
            self.revision = (last or 0) + 1
        super().save(*args, **kwargs)


class FrozenWithDefinition(models.Model):
    """A part of a definition: editable only while the definition is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        status = FormDefinition.objects.filter(pk=self.definition_id).values_list(
            "status", flat=True
        )
        if status and status[0] != DefinitionStatus.DRAFT:
            raise ValidationError(FROZEN_MESSAGE)


class Conditional(models.Model):
    """Shown only when another field of the form has a given value."""

    show_if_field = models.CharField(
        "chỉ hiện khi trường",
        max_length=40,
        blank=True,
        help_text="Mã của trường điều kiện; để trống thì luôn hiện.",
    )
    show_if_value = models.CharField(
        "có giá trị",
        max_length=200,
        blank=True,
        help_text="Giá trị làm trường này hiện ra; để trống thì hiện khi trường điều kiện đã "
        "được điền hoặc đánh dấu.",
    )

    class Meta:
        abstract = True

    @property
    def conditional(self) -> bool:
        return bool(self.show_if_field)


class FormField(FrozenWithDefinition, Conditional):
    """One question of the form."""

    definition = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField("thứ tự")
    key = models.CharField(
        "mã trường",
        max_length=40,
        validators=[
            RegexValidator(
                KEY_PATTERN,
                "Mã trường chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu "
                "bằng một chữ cái (ví dụ ho_ten).",
            )
        ],
        help_text="Tên dữ liệu của trường trong hồ sơ, ví dụ ho_ten; để trống thì tự tạo từ nhãn.",
    )
    label = models.CharField("nhãn (câu hỏi)", max_length=300)
    type = models.CharField("kiểu dữ liệu", max_length=20, choices=FieldType.choices)
    required = models.BooleanField("bắt buộc", default=False)
    help_text = models.CharField("hướng dẫn điền", max_length=500, blank=True)
    options = models.JSONField(
        "các lựa chọn", default=list, blank=True, help_text="Cho danh sách, nút chọn, ô đánh dấu."
    )
    min_value = models.CharField(
        "tối thiểu",
        max_length=20,
        blank=True,
        help_text="Số: giá trị nhỏ nhất; ngày: ngày sớm nhất (ngày/tháng/năm hoặc «hôm nay»); "
        "văn bản: số ký tự ít nhất.",
    )
    max_value = models.CharField(
        "tối đa",
        max_length=20,
        blank=True,
        help_text="Số: giá trị lớn nhất; ngày: ngày muộn nhất (ngày/tháng/năm hoặc «hôm nay»); "
        "văn bản: số ký tự nhiều nhất.",
    )
    pattern = models.CharField("mẫu kiểm tra (biểu thức chính quy)", max_length=200, blank=True)
    pattern_message = models.CharField(
        "thông báo khi sai mẫu",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Biển số xe phải có dạng 35A-123.45.",
    )
    prefill = models.CharField(
        "tự điền từ tài khoản", max_length=20, choices=Prefill.choices, default=Prefill.NONE
    )

    class Meta:
        verbose_name = "trường của biểu mẫu"
        verbose_name_plural = "trường của biểu mẫu"
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "key"], name="form_field_key_unique"),
            models.UniqueConstraint(fields=["definition", "order"], name="form_field_order_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def multiple(self) -> bool:
        """A checkbox with options is a multiple choice; without, a single yes/no box."""
        return self.type == FieldType.CHECKBOX and bool(self.options)


class FormAttachment(FrozenWithDefinition, Conditional):
    """How a required document (thành phần hồ sơ) is asked for in the online form."""

    definition = models.ForeignKey(
        FormDefinition, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        RequiredDocument,
        verbose_name="thành phần hồ sơ",
        on_delete=models.CASCADE,
        related_name="+",
    )
    requirement = models.CharField("khi nộp trực tuyến", max_length=20, choices=Requirement.choices)
    accept_reuse = models.BooleanField(
        "cho phép lấy từ kho dữ liệu",
        default=False,
        help_text="Người nộp chọn giấy tờ đã có trong kho dữ liệu điện tử thay vì tải lên lại "
        "(NĐ 45/2020 Điều 16; chỉ số 766 nhóm 4).",
    )

    class Meta:
        verbose_name = "giấy tờ đính kèm"
        verbose_name_plural = "giấy tờ đính kèm"
        ordering = ["definition", "document__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "document"], name="form_attachment_document_unique"
            )
        ]

    def __str__(self) -> str:
        return self.document.name

    @classmethod
    def default_for(cls, definition: FormDefinition, doc: RequiredDocument) -> "FormAttachment":
        """What the catalog says: optional documents stay optional, reusable ones reusable."""
        return cls(
            definition=definition,
            document=doc,
            requirement=Requirement.OPTIONAL if doc.optional else Requirement.REQUIRED,
            accept_reuse=doc.reusable,
        )

    @property
    def key(self) -> str:
        """The name of the file input (unique within one form)."""
        return f"{ATTACHMENT_PREFIX}{self.document.order}"

    @property
    def ref_key(self) -> str:
        """The name under which a chosen existing file (repository, earlier upload) comes."""
        return f"{self.key}__ref"

    @property
    def label(self) -> str:
        return self.document.name

    @property
    def offered(self) -> bool:
        return self.requirement != Requirement.NOT_ONLINE

    @property
    def required(self) -> bool:
        return self.requirement == Requirement.REQUIRED
