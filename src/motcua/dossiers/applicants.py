"""Checks of who is applying: identity numbers, tax codes, contacts."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from motcua.core.errors import DomainError

from .models import ApplicantType

CCCD = re.compile(r"^\d{12}$")  # số định danh cá nhân / căn cước (12 chữ số)
TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")  # mã số thuế / mã số doanh nghiệp (10 hoặc 13)
PHONE = re.compile(r"^(\+84|0)\d{9,10}$")


@dataclass
class Applicant:
    name: str
    id_number: str
    type: str = ApplicantType.CITIZEN
    address: str = ""
    phone: str = ""
    email: str = ""
    representative_name: str = ""
    representative_id_number: str = ""

    def as_fields(self) -> dict:
        return {
            "applicant_type": self.type,
            "applicant_name": self.name,
            "applicant_id_number": self.id_number,
            "applicant_address": self.address,
            "applicant_phone": self.phone,
            "applicant_email": self.email,
            "representative_name": self.representative_name,
            "representative_id_number": self.representative_id_number,
        }


def clean_applicant(data: dict) -> Applicant:
    """An ``Applicant`` from submitted data, or a DomainError naming the first bad field."""
    a = Applicant(**{k: str(v).strip() for k, v in data.items() if v is not None})
    a.phone = a.phone.replace(" ", "").replace(".", "")
    if a.type not in ApplicantType.values:
        raise DomainError(
            "Loại đối tượng phải là công dân hoặc tổ chức.",
            code="invalid_applicant_type",
            field="applicant.type",
        )
    if not a.name:
        raise DomainError(
            "Vui lòng nhập họ tên người nộp hoặc tên tổ chức.",
            code="applicant_name_required",
            field="applicant.name",
        )
    if a.type == ApplicantType.CITIZEN and not CCCD.match(a.id_number):
        raise DomainError(
            "Số định danh cá nhân (căn cước) phải gồm đúng 12 chữ số.",
            code="invalid_id_number",
            field="applicant.id_number",
        )
    if a.type == ApplicantType.ORGANIZATION and not TAX_CODE.match(a.id_number):
        raise DomainError(
            "Mã số thuế (mã số doanh nghiệp) phải gồm 10 chữ số, hoặc 13 chữ số với chi nhánh "
            "(ví dụ 0101234567-001).",
            code="invalid_tax_code",
            field="applicant.id_number",
        )
    if a.phone and not PHONE.match(a.phone):
        raise DomainError(
            "Số điện thoại không hợp lệ (ví dụ 0912345678).",
            code="invalid_phone",
            field="applicant.phone",
        )
    if a.email:
        try:
            validate_email(a.email)
        except ValidationError:
            raise DomainError(
                "Địa chỉ thư điện tử không hợp lệ.", code="invalid_email", field="applicant.email"
            ) from None
    if a.representative_id_number and not CCCD.match(a.representative_id_number):
        raise DomainError(
            "Số định danh của người được ủy quyền phải gồm đúng 12 chữ số.",
            code="invalid_id_number",
            field="applicant.representative_id_number",
        )
    return a
