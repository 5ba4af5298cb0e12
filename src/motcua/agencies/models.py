"""The province's units (cơ quan, đơn vị), their one-stop counters, officials and roles.

Units form a tree of any depth: the 2018–2025 model (tỉnh → sở/huyện → xã) and the 2025
two-level model (tỉnh → xã) both fit. Each unit stores its materialised ``path`` of ids, so
"this unit and everything under it" is one indexed prefix query — the shape every role
scope and every report asks.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .signals import rebased, unit_moved


class Level(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"
    DIVISION = "division", "Phòng, chi cục, đơn vị trực thuộc"


class Kind(models.TextChoices):
    PEOPLE_COMMITTEE = "people_committee", "Ủy ban nhân dân"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DIVISION = "division", "Phòng, chi cục"
    SERVICE_CENTER = "service_center", "Trung tâm Phục vụ hành chính công / Bộ phận Một cửa"
    OTHER = "other", "Khác"


class Unit(models.Model):
    code = models.CharField(
        "mã định danh điện tử",
        max_length=40,
        unique=True,
        help_text="Mã định danh điện tử của cơ quan theo QĐ 20/2020/QĐ-TTg, "
        "dùng làm tiền tố mã hồ sơ (ví dụ 000.00.00.H40).",
    )
    name = models.CharField("tên cơ quan, đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    kind = models.CharField("loại đơn vị", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    one_stop = models.BooleanField(
        "là Bộ phận Một cửa",
        default=False,
        help_text="Bộ phận Một cửa / Trung tâm Phục vụ hành chính công: nơi tiếp nhận hồ sơ "
        "và trả kết quả (NĐ 118/2025).",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)
    path = models.CharField(max_length=500, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.pk and f"/{self.pk}/" in self.parent.path:
            raise ValidationError(
                {
                    "parent": "Đơn vị cấp trên không được là chính đơn vị này hoặc đơn vị cấp dưới "
                    "của nó (tạo thành vòng lặp)."
                }
            )

    @transaction.atomic
    def save(self, *args, **kwargs):
        self.clean()
        old_path = self.path
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else "/"
        new_path = f"{prefix}{self.pk}/"
        if new_path != old_path:
            Unit.objects.filter(pk=self.pk).update(path=new_path, depth=new_path.count("/") - 2)
            self.path, self.depth = new_path, new_path.count("/") - 2
            if old_path:
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child_path = rebased(child.path, old_path, new_path)
                    Unit.objects.filter(pk=child.pk).update(
                        path=child_path, depth=child_path.count("/") - 2
                    )
                unit_moved.send(sender=Unit, old_path=old_path, new_path=new_path)

    def subtree(self):
        """This unit and every unit under it."""
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self):
        """The units above this one, the root first."""
        ids = [int(i) for i in self.path.strip("/").split("/")[:-1]]
        return sorted(Unit.objects.filter(pk__in=ids), key=lambda u: ids.index(u.pk))

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)


class Counter(models.Model):
    """Quầy: a desk of a one-stop unit where officials receive dossiers and return results."""

    unit = models.ForeignKey(
        Unit,
        verbose_name="Bộ phận Một cửa",
        on_delete=models.PROTECT,
        related_name="counters",
        limit_choices_to={"one_stop": True},
    )
    number = models.PositiveSmallIntegerField("số quầy")
    name = models.CharField("tên quầy", max_length=200)
    fields = models.ManyToManyField(
        "catalog.Field", verbose_name="lĩnh vực tiếp nhận", blank=True, related_name="counters"
    )
    active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "quầy tiếp nhận"
        verbose_name_plural = "quầy tiếp nhận"
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="counter_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.unit.short_name or self.unit.name}"

    def clean(self):
        if self.unit_id and not self.unit.one_stop:
            raise ValidationError({"unit": "Quầy chỉ thuộc về Bộ phận Một cửa."})


class Role(models.TextChoices):
    RECEIVER = "RECEIVER", "Cán bộ tiếp nhận và trả kết quả"
    SPECIALIST = "SPECIALIST", "Chuyên viên thụ lý"
    HEAD = "HEAD", "Lãnh đạo đơn vị (phê duyệt)"
    UNIT_ADMIN = "UNIT_ADMIN", "Quản trị đơn vị"
    PROVINCE_ADMIN = "PROVINCE_ADMIN", "Quản trị cấp tỉnh"
    LEADER_VIEWER = "LEADER_VIEWER", "Lãnh đạo theo dõi, giám sát"


class Official(models.Model):
    """Cán bộ, công chức: a user account that works for units of the province."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official"
    )
    full_name = models.CharField("họ và tên", max_length=150)
    title = models.CharField("chức danh", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    counter = models.ForeignKey(
        Counter,
        verbose_name="quầy đang làm việc",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officials",
    )

    class Meta:
        verbose_name = "cán bộ, công chức"
        verbose_name_plural = "cán bộ, công chức"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class RoleAssignment(models.Model):
    """A role an official holds at a unit; it covers the unit and every unit under it."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(
                fields=["official", "unit", "role"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} — {self.get_role_display()} — {self.unit}"
