"""Checking what an applicant submits against a form definition.

Pure functions over a definition and the submitted data: nothing is written. Every error
is a Vietnamese sentence meant to be shown next to its field; the caller keeps the raw data
to show it again, so nothing the applicant typed is lost.

Conditional fields are evaluated on the server exactly as the page's script does: a field
whose condition is not met (or whose controlling field is itself hidden) is ignored —
neither required nor returned — whatever the browser sent for it.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.core.text import vn_fold
from motcua.documents.services import ALLOWED_LABEL, max_upload_bytes, sniff
from motcua.dossiers.applicants import CCCD, PHONE, TAX_CODE

from .models import CHOICE_TYPES, FieldType

DEFAULT_MAX_LENGTH = {FieldType.TEXT: 500, FieldType.TEXTAREA: 5000}
OTHER_MAX_LENGTH = 254
TRUTHY = {"1", "on", "true", "yes", "co", "x"}
TODAY_WORDS = {"hom nay", "today"}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
PATTERN_TYPES = {
    FieldType.TEXT, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE,
    FieldType.ID_NUMBER, FieldType.TAX_CODE,
}  # fmt: skip


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FieldError(DomainError):
    """A form that does not validate: ``errors`` maps each field key to its message."""

    code = "invalid_form"

    def __init__(self, errors: dict[str, str]):
        key, first = next(iter(errors.items()))
        if len(errors) > 1:
            first = f"Biểu mẫu còn {len(errors)} chỗ chưa hợp lệ. {first}"
        super().__init__(first, field=key)
        self.errors = errors


# --- reading raw values ---------------------------------------------------------------


def nfc(text) -> str:
    """Some keyboards send decomposed Vietnamese (NFD); compare and store composed text."""
    return unicodedata.normalize("NFC", str(text)).strip()


def same(a: str, b: str) -> bool:
    return " ".join(nfc(a).casefold().split()) == " ".join(nfc(b).casefold().split())


def getlist(data, key: str) -> list:
    """Every value sent under ``key``, from a QueryDict or a plain dict."""
    if data is None:
        return []
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def raw_value(data, field) -> str | list[str]:
    """The submitted value of ``field``: a list for multiple choice, else a trimmed string
    ("1" or "" for a single checkbox)."""
    values = [nfc(v) for v in getlist(data, field.key) if v is not None]
    if field.multiple:
        return [v for v in values if v]
    value = values[-1] if values else ""
    if field.type == FieldType.CHECKBOX:
        return "1" if vn_fold(value) in TRUTHY else ""
    return value


# --- conditions ------------------------------------------------------------------------


def condition_met(controller, value, expected: str) -> bool:
    """Whether ``controller`` holding ``value`` shows an item waiting for ``expected``.

    An empty ``expected`` means "once the controller is filled in (or ticked)"."""
    if isinstance(value, list):
        return bool(value) if not expected.strip() else any(same(v, expected) for v in value)
    if not expected.strip():
        return value != ""
    return same(value, expected)


def visibility(definition, data) -> tuple[dict, dict]:
    """({field key: shown?}, {attachment key: shown?}) for the submitted ``data``."""
    fields = {f.key: f for f in definition.all_fields}
    values = {key: raw_value(data, f) for key, f in fields.items()}
    memo: dict[str, bool] = {}

    def shown(item, depth=0) -> bool:
        key = item.show_if_field
        if not key or key not in fields or depth > len(fields):
            return True  # no (or a broken) condition: better shown than silently skipped
        if key not in memo:
            memo[key] = shown(fields[key], depth + 1)
        return memo[key] and condition_met(fields[key], values[key], item.show_if_value)

    field_shown = {key: shown(f) for key, f in fields.items()}
    attachment_shown = {a.key: shown(a) for a in definition.all_attachments}
    return field_shown, attachment_shown


# --- cleaning one value ----------------------------------------------------------------


def parse_number(text: str) -> Decimal | None:
    """A number as Vietnamese write it (1.500.000 or 2,5) or as browsers send it (2.5)."""
    s = re.sub(r"\s", "", text)
    if len(s) > 30 or not re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", s):
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", s) or re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", s):
        s = s.replace(".", "")  # dots as thousands separators
    try:
        number = Decimal(s)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(text: str, today: date | None = None) -> date | None:
    if today is not None and vn_fold(text) in TODAY_WORDS:
        return today
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def vn_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def number_text(n: Decimal) -> str:
    return format(n.normalize(), "f")


def required_message(field) -> str:
    if field.type in (FieldType.SELECT, FieldType.RADIO) or field.multiple:
        return f"Vui lòng chọn «{field.label}»."
    if field.type == FieldType.CHECKBOX:
        return f"Vui lòng đánh dấu «{field.label}»."
    return f"Vui lòng nhập «{field.label}»."


def _length_bounds(field) -> tuple[int, int]:
    """(least, most) characters; the most never exceeds the type's own limit."""
    low = int(field.min_value) if field.min_value.strip().isdigit() else 0
    default = DEFAULT_MAX_LENGTH.get(field.type, OTHER_MAX_LENGTH)
    high = int(field.max_value) if field.max_value.strip().isdigit() else default
    return low, min(high, default)


def _text(field, raw: str, today: date):
    low, high = _length_bounds(field)
    if len(raw) < low:
        raise Invalid(f"Cần nhập ít nhất {low} ký tự (hiện có {len(raw)}).")
    if len(raw) > high:
        raise Invalid(f"Chỉ được nhập tối đa {high} ký tự (hiện có {len(raw)}).")
    return raw


def _number(field, raw: str, today: date):
    number = parse_number(raw)
    if number is None:
        raise Invalid("Vui lòng nhập một số, ví dụ 1500 hoặc 2,5.")
    low, high = parse_number(field.min_value), parse_number(field.max_value)
    if low is not None and number < low:
        raise Invalid(f"Giá trị phải từ {number_text(low).replace('.', ',')} trở lên.")
    if high is not None and number > high:
        raise Invalid(f"Giá trị không được lớn hơn {number_text(high).replace('.', ',')}.")
    return number_text(number)


def _date(field, raw: str, today: date):
    value = parse_date(raw)
    if value is None:
        raise Invalid("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 26/02/2026.")
    low, high = parse_date(field.min_value, today), parse_date(field.max_value, today)
    if low is not None and value < low:
        raise Invalid(f"Ngày không được trước {_date_bound(field.min_value, low)}.")
    if high is not None and value > high:
        raise Invalid(f"Ngày không được sau {_date_bound(field.max_value, high)}.")
    return value.isoformat()


def _date_bound(text: str, bound: date) -> str:
    return "hôm nay" if vn_fold(text) in TODAY_WORDS else vn_date(bound)


def _choice(field, raw: str, today: date):
    for option in field.options:
        if same(option, raw):
            return option
    raise Invalid("Vui lòng chọn một giá trị trong danh sách.")


def _checkbox(field, raw, today: date):
    if not field.multiple:
        return True
    chosen = [o for o in field.options if any(same(o, r) for r in raw)]
    if len(chosen) != len({vn_fold(r) for r in raw}):
        raise Invalid("Vui lòng chỉ chọn các giá trị trong danh sách.")
    return chosen


def _email(field, raw: str, today: date):
    try:
        validate_email(raw)
    except ValidationError:
        raise Invalid("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn).") from None
    return raw


def _phone(field, raw: str, today: date):
    value = re.sub(r"[\s.\-()]", "", raw)
    if not PHONE.match(value):
        raise Invalid("Số điện thoại không hợp lệ (ví dụ 0912345678).")
    return value


def _id_number(field, raw: str, today: date):
    value = re.sub(r"\s", "", raw)
    if not CCCD.match(value):
        raise Invalid("Số định danh cá nhân (căn cước) phải gồm đúng 12 chữ số.")
    return value


def _tax_code(field, raw: str, today: date):
    value = re.sub(r"\s", "", raw)
    if not TAX_CODE.match(value):
        raise Invalid(
            "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0101234567-001)."
        )
    return value


CLEANERS = {
    FieldType.TEXT: _text,
    FieldType.TEXTAREA: _text,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.SELECT: _choice,
    FieldType.RADIO: _choice,
    FieldType.CHECKBOX: _checkbox,
    FieldType.EMAIL: _email,
    FieldType.PHONE: _phone,
    FieldType.ID_NUMBER: _id_number,
    FieldType.TAX_CODE: _tax_code,
}


def empty_value(field):
    if field.multiple:
        return []
    if field.type == FieldType.CHECKBOX:
        return False
    if field.type in (FieldType.NUMBER, FieldType.DATE):
        return None
    return ""


def clean_field(field, raw, today: date):
    """The JSON-ready value of ``field`` (str, bool, list or None), or ``Invalid``."""
    if raw in ("", []):
        if field.required:
            raise Invalid(required_message(field))
        return empty_value(field)
    if field.type not in CHOICE_TYPES and len(raw) > 2 * DEFAULT_MAX_LENGTH[FieldType.TEXTAREA]:
        raise Invalid("Nội dung quá dài.")
    value = CLEANERS[field.type](field, raw, today)
    if field.pattern and field.type in PATTERN_TYPES:
        try:
            ok = re.fullmatch(field.pattern, raw) is not None
        except re.error:
            ok = True  # the builder refuses bad patterns; never punish the applicant for one
        if not ok:
            raise Invalid(field.pattern_message or "Giá trị chưa đúng định dạng yêu cầu.")
    return value


# --- attachments ------------------------------------------------------------------------


def _files(files, key: str) -> list:
    return [f for f in getlist(files, key) if f is not None]


def check_upload(upload) -> None:
    """The same checks ``documents.services.store`` makes, before anything is stored, so
    the applicant sees the reason next to the attachment."""
    name = getattr(upload, "name", "") or "tệp"
    if not upload.size:
        raise Invalid(f"Tệp «{name}» rỗng.")
    limit = max_upload_bytes()
    if upload.size > limit:
        raise Invalid(
            f"Tệp «{name}» dung lượng {upload.size / 1048576:.1f} MB, vượt quá giới hạn "
            f"{limit // 1048576} MB."
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff(head) is None:
        raise Invalid(f"Tệp «{name}» không phải {ALLOWED_LABEL}.")


def clean_attachment(attachment, uploads: list, refs: list[str]) -> dict:
    for upload in uploads:
        check_upload(upload)
    if attachment.required and not uploads and not refs:
        raise Invalid(f"Vui lòng đính kèm «{attachment.label}».")
    return {
        "document": attachment.document_id,
        "name": attachment.label,
        "files": uploads,
        "refs": refs,
    }


# --- the whole submission ---------------------------------------------------------------


def validate_submission(definition, data, files=None) -> tuple[dict, dict[str, str]]:
    """(cleaned values, {key: Vietnamese message}) for an applicant's submission.

    ``data`` is a dict (or ``request.POST``); ``files`` a dict of lists (or
    ``request.FILES``). Cleaned field values are JSON-ready: text and choices as str, numbers
    as str ("1500.5"), dates ISO ("2026-02-26"), a single checkbox as bool, multiple choice
    as a list. Each shown attachment is ``{"document": RequiredDocument id, "name",
    "files": [UploadedFile], "refs": [chosen existing file refs]}`` — the caller stores the
    files (``documents.services.store``) and checks that refs belong to the applicant.
    """
    today = timezone.localdate()
    field_shown, attachment_shown = visibility(definition, data)
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for field in definition.all_fields:
        if not field_shown[field.key]:
            continue
        try:
            cleaned[field.key] = clean_field(field, raw_value(data, field), today)
        except Invalid as e:
            errors[field.key] = e.message
    for attachment in definition.all_attachments:
        if not attachment.offered or not attachment_shown[attachment.key]:
            continue
        refs = [nfc(r) for r in getlist(data, attachment.ref_key) if nfc(r or "")]
        try:
            cleaned[attachment.key] = clean_attachment(
                attachment, _files(files, attachment.key), refs
            )
        except Invalid as e:
            errors[attachment.key] = e.message
    return cleaned, errors


def clean_or_raise(definition, data, files=None) -> dict:
    """The cleaned values, or a ``FieldError`` carrying every message (for the API)."""
    cleaned, errors = validate_submission(definition, data, files)
    if errors:
        raise FieldError(errors)
    return cleaned
