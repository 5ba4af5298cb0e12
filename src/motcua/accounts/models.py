"""Accounts of citizens and organisations on the portal, and whom they may act for.

A Django ``User`` signs in; its ``Profile`` says who that is in the terms of a dossier: a
citizen with a personal identity number (số định danh cá nhân) or an organisation with a tax
code (mã số thuế). A ``Representation`` records an authorisation (ủy quyền): the account
holder submits for someone else, who is then the dossier's applicant.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from motcua.dossiers.models import ApplicantType


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    kind = models.CharField(
        "loại tài khoản", max_length=20, choices=ApplicantType.choices,
        default=ApplicantType.CITIZEN,
    )  # fmt: skip
    name = models.CharField("họ và tên / tên tổ chức", max_length=255)
    id_number = models.CharField(
        "số định danh cá nhân",
        max_length=12,
        blank=True,
        help_text="Số định danh cá nhân (số căn cước) 12 chữ số; với tổ chức là của người "
        "đại diện theo pháp luật (nếu khai).",
    )
    tax_code = models.CharField(
        "mã số thuế",
        max_length=14,
        blank=True,
        help_text="Mã số thuế / mã số doanh nghiệp (10 hoặc 13 chữ số) của tổ chức.",
    )
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    identity_verified = models.BooleanField(
        "đã xác thực định danh",
        default=False,
        help_text="Đăng nhập qua hệ thống định danh điện tử (VNeID / Cổng DVCQG) đã xác thực "
        "danh tính; người nộp không phải ký số tờ khai điện tử (domain.md §1.6).",
    )
    oidc_issuer = models.CharField("nhà cung cấp định danh", max_length=300, blank=True)
    oidc_subject = models.CharField("mã định danh tại nhà cung cấp", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài khoản công dân, tổ chức"
        verbose_name_plural = "tài khoản công dân, tổ chức"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(kind=ApplicantType.CITIZEN) & ~Q(id_number=""),
                name="profile_citizen_id_unique",
            ),
            models.UniqueConstraint(
                fields=["tax_code"], condition=~Q(tax_code=""), name="profile_tax_code_unique"
            ),
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="profile_oidc_subject_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def is_organization(self) -> bool:
        return self.kind == ApplicantType.ORGANIZATION

    @property
    def identifier(self) -> str:
        """What identifies the applicant on a dossier: the tax code or the identity number."""
        return self.tax_code if self.is_organization else self.id_number

    @property
    def complete(self) -> bool:
        return bool(self.name and self.identifier)

    def applicant(self) -> dict:
        """The applicant fields of a dossier this account submits for itself."""
        return {
            "type": self.kind,
            "name": self.name,
            "id_number": self.identifier,
            "address": self.address,
            "phone": self.phone,
            "email": self.user.email,
        }


class Representation(models.Model):
    """Ủy quyền: the account holder may submit and follow dossiers for the principal."""

    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người được ủy quyền",
        on_delete=models.CASCADE, related_name="representations",
    )  # fmt: skip
    principal_type = models.CharField(
        "người ủy quyền là", max_length=20, choices=ApplicantType.choices,
        default=ApplicantType.CITIZEN,
    )  # fmt: skip
    principal_name = models.CharField("họ và tên / tên tổ chức ủy quyền", max_length=255)
    principal_id_number = models.CharField(
        "số định danh / mã số thuế người ủy quyền", max_length=20
    )
    principal_address = models.CharField("địa chỉ", max_length=500, blank=True)
    principal_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    principal_email = models.EmailField("thư điện tử", blank=True)
    authorization = models.ForeignKey(
        "documents.StoredFile", verbose_name="văn bản ủy quyền", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    valid_until = models.DateField("ủy quyền đến ngày", null=True, blank=True)
    revoked = models.BooleanField("đã chấm dứt", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ủy quyền"
        verbose_name_plural = "ủy quyền"
        ordering = ["representative", "principal_name"]

    def __str__(self) -> str:
        return f"{self.representative} thay mặt {self.principal_name}"

    def applicant(self) -> dict:
        return {
            "type": self.principal_type,
            "name": self.principal_name,
            "id_number": self.principal_id_number,
            "address": self.principal_address,
            "phone": self.principal_phone,
            "email": self.principal_email,
        }
