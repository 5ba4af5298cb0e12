"""What a citizen submits, checked against a form: every type, required fields, patterns,
conditions, attachments; messages in Vietnamese, next to the field; nothing typed lost."""

import unicodedata
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.forms.models import FormAttachment, FormDefinition, FormField
from motcua.forms.services import FieldError, clean_or_raise, validate_submission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_form(*specs, attachments=()):
    """An in-memory definition (validation reads no database)."""
    definition = FormDefinition(revision=1)
    definition.all_fields = [
        FormField(definition=definition, order=n, **spec) for n, spec in enumerate(specs, 1)
    ]
    definition.all_attachments = [
        FormAttachment(
            definition=definition,
            document=RequiredDocument(id=100 + n, order=n, name=spec.pop("name")),
            **spec,
        )
        for n, spec in enumerate(attachments, 1)
    ]
    return definition


def field(key, type="text", label=None, **extra):
    return {"key": key, "type": type, "label": label or key, **extra}


def check(spec, raw):
    """(cleaned value, error) of one field holding ``raw``."""
    cleaned, errors = validate_submission(make_form(spec), {spec["key"]: raw})
    return cleaned.get(spec["key"]), errors.get(spec["key"])


@pytest.mark.parametrize(
    ("spec", "raw", "value"),
    [
        (field("ten"), "  Nguyễn Văn An  ", "Nguyễn Văn An"),
        (field("ghi_chu", "textarea"), "Dòng 1\nDòng 2", "Dòng 1\nDòng 2"),
        (field("so_tien", "number"), "1.500.000", "1500000"),
        (field("dien_tich", "number"), "2,5", "2.5"),
        (field("dien_tich", "number"), "2.5", "2.5"),
        (field("so_con", "number", min_value="0", max_value="20"), "3", "3"),
        (field("ngay", "date"), "26/02/2026", "2026-02-26"),
        (field("ngay", "date"), "2026-02-26", "2026-02-26"),
        (field("loai", "select", options=["Cấp mới", "Cấp lại"]), "cấp lại", "Cấp lại"),
        (field("gioi_tinh", "radio", options=["Nam", "Nữ"]), "Nữ", "Nữ"),
        (field("cam_doan", "checkbox"), "1", True),
        (field("email", "email"), "an@example.vn", "an@example.vn"),
        (field("dt", "phone"), "0912 345.678", "0912345678"),
        (field("dt", "phone"), "+84912345678", "+84912345678"),
        (field("cccd", "id_number"), "037 190 000 123", "037190000123"),
        (field("mst", "tax_code"), "0101234567-001", "0101234567-001"),
        (field("mst", "tax_code"), "0101234567", "0101234567"),
    ],
)
def test_each_type_accepts_and_normalises_good_input(spec, raw, value):
    assert check(spec, raw) == (value, None)


WRONG_TAX_CODE = (
    "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0101234567-001)."
)


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        (field("ten", min_value="3"), "An", "Cần nhập ít nhất 3 ký tự (hiện có 2)."),
        (field("ten", max_value="5"), "Nguyễn Văn An",
         "Chỉ được nhập tối đa 5 ký tự (hiện có 13)."),
        (field("so", "number"), "mười", "Vui lòng nhập một số, ví dụ 1500 hoặc 2,5."),
        (field("so", "number"), "NaN", "Vui lòng nhập một số, ví dụ 1500 hoặc 2,5."),
        (field("so", "number", min_value="1"), "0", "Giá trị phải từ 1 trở lên."),
        (field("so", "number", max_value="2,5"), "3", "Giá trị không được lớn hơn 2,5."),
        (field("ngay", "date"), "31/02/2026",
         "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 26/02/2026."),
        (field("ngay", "date", min_value="01/01/2025"), "31/12/2024",
         "Ngày không được trước 01/01/2025."),
        (field("loai", "select", options=["Cấp mới", "Cấp lại"]), "Khác",
         "Vui lòng chọn một giá trị trong danh sách."),
        (field("email", "email"), "an@",
         "Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn)."),
        (field("dt", "phone"), "12345", "Số điện thoại không hợp lệ (ví dụ 0912345678)."),
        (field("cccd", "id_number"), "03719000012",
         "Số định danh cá nhân (căn cước) phải gồm đúng 12 chữ số."),
        (field("mst", "tax_code"), "01012345", WRONG_TAX_CODE),
    ],
)  # fmt: skip
def test_each_type_refuses_bad_input_in_vietnamese(spec, raw, message):
    assert check(spec, raw) == (None, message)


def test_a_date_bounded_by_today_says_so():
    spec = field("ngay_sinh", "date", max_value="hôm nay")
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert check(spec, tomorrow) == (None, "Ngày không được sau hôm nay.")
    assert check(spec, "01/01/2020") == ("2020-01-01", None)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (field("ho_ten", label="Họ và tên", required=True), "Vui lòng nhập «Họ và tên»."),
        (
            field("loai", "select", label="Loại yêu cầu", required=True, options=["A", "B"]),
            "Vui lòng chọn «Loại yêu cầu».",
        ),
        (
            field("cam_doan", "checkbox", label="Tôi cam đoan", required=True),
            "Vui lòng đánh dấu «Tôi cam đoan».",
        ),
        (
            field("ban_sao", "checkbox", label="Bản sao", required=True, options=["Có", "Không"]),
            "Vui lòng chọn «Bản sao».",
        ),
    ],
)
def test_required_fields_name_what_is_missing(spec, message):
    assert check(spec, "") == (None, message)
    assert check(spec, "   ") == (None, message)


def test_optional_empty_fields_come_back_empty_not_missing():
    definition = make_form(
        field("a"), field("b", "number"), field("c", "date"), field("d", "checkbox"),
        field("e", "checkbox", options=["X", "Y"]),
    )  # fmt: skip
    cleaned, errors = validate_submission(definition, {})
    assert errors == {}
    assert cleaned == {"a": "", "b": None, "c": None, "d": False, "e": []}


def test_multiple_choice_reads_every_value_of_a_querydict():
    definition = make_form(field("giay_to", "checkbox", options=["Sổ đỏ", "Sổ hồng", "Khác"]))
    data = QueryDict(mutable=True)
    data.setlist("giay_to", ["Khác", "sổ đỏ"])
    cleaned, errors = validate_submission(definition, data)
    assert errors == {} and cleaned["giay_to"] == ["Sổ đỏ", "Khác"]
    data.setlist("giay_to", ["Sổ đỏ", "Sổ xanh"])
    assert validate_submission(definition, data)[1] == {
        "giay_to": "Vui lòng chỉ chọn các giá trị trong danh sách."
    }


def test_pattern_with_its_own_message_or_a_generic_one():
    plate = field(
        "bien_so", pattern=r"\d{2}[A-Z]-\d{3}\.\d{2}",
        pattern_message="Biển số xe phải có dạng 35A-123.45.",
    )  # fmt: skip
    assert check(plate, "35A-123.45") == ("35A-123.45", None)
    assert check(plate, "35A12345") == (None, "Biển số xe phải có dạng 35A-123.45.")
    plain = field("ma", pattern=r"[A-Z]{3}")
    assert check(plain, "ab") == (None, "Giá trị chưa đúng định dạng yêu cầu.")


def test_decomposed_vietnamese_is_stored_composed():
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert check(field("ten"), typed) == ("Nguyễn Thị Ánh", None)
    choice = field("loai", "radio", options=["Cấp lại"])
    assert check(choice, unicodedata.normalize("NFD", "Cấp lại")) == ("Cấp lại", None)


# --- conditions ---------------------------------------------------------------------------


def relation_form():
    return make_form(
        field("quan_he", "select", label="Quan hệ với trẻ", required=True,
              options=["Cha", "Mẹ", "Người thân khác"]),
        field("ghi_ro", label="Ghi rõ quan hệ", required=True, show_if_field="quan_he",
              show_if_value="Người thân khác"),
        field("giay_uy_quyen_so", label="Số văn bản ủy quyền", required=True,
              show_if_field="ghi_ro"),
    )  # fmt: skip


def test_a_hidden_conditional_field_is_neither_required_nor_returned():
    cleaned, errors = validate_submission(
        relation_form(), {"quan_he": "Mẹ", "ghi_ro": "rác từ lần chọn trước"}
    )
    assert errors == {}
    assert cleaned == {"quan_he": "Mẹ"}


def test_a_shown_conditional_field_is_checked_like_any_other():
    _, errors = validate_submission(relation_form(), {"quan_he": "người thân khác"})
    assert errors == {"ghi_ro": "Vui lòng nhập «Ghi rõ quan hệ»."}
    cleaned, errors = validate_submission(
        relation_form(),
        {"quan_he": "Người thân khác", "ghi_ro": "Bà ngoại", "giay_uy_quyen_so": "12/UQ"},
    )
    assert errors == {}
    assert cleaned == {
        "quan_he": "Người thân khác", "ghi_ro": "Bà ngoại", "giay_uy_quyen_so": "12/UQ",
    }  # fmt: skip


def test_a_condition_on_a_hidden_field_hides_its_dependants_too():
    # ghi_ro holds text, but it is hidden (quan_he is "Cha"), so the field waiting on it is too.
    cleaned, errors = validate_submission(relation_form(), {"quan_he": "Cha", "ghi_ro": "x"})
    assert errors == {} and "giay_uy_quyen_so" not in cleaned


def test_a_condition_on_a_single_checkbox_follows_the_tick():
    definition = make_form(
        field("uy_quyen", "checkbox", label="Nộp thay người khác"),
        field("nguoi_uy_quyen", label="Họ tên người ủy quyền", required=True,
              show_if_field="uy_quyen"),
    )  # fmt: skip
    assert validate_submission(definition, {"uy_quyen": ""}) == ({"uy_quyen": False}, {})
    _, errors = validate_submission(definition, {"uy_quyen": "on"})
    assert errors == {"nguoi_uy_quyen": "Vui lòng nhập «Họ tên người ủy quyền»."}


# --- attachments ---------------------------------------------------------------------------


def attachment_form():
    return make_form(
        field("uy_quyen", "checkbox", label="Nộp thay người khác"),
        attachments=[
            {"name": "Tờ khai", "requirement": "required"},
            {"name": "Giấy chứng sinh", "requirement": "required", "accept_reuse": True},
            {"name": "Văn bản ủy quyền", "requirement": "required", "show_if_field": "uy_quyen"},
            {"name": "Bản chính Sổ hộ khẩu", "requirement": "not_online"},
        ],
    )


def test_required_attachments_must_be_uploaded_or_chosen_from_the_repository():
    cleaned, errors = validate_submission(attachment_form(), {}, {})
    assert errors == {
        "giay_to_1": "Vui lòng đính kèm «Tờ khai».",
        "giay_to_2": "Vui lòng đính kèm «Giấy chứng sinh».",
    }
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    cleaned, errors = validate_submission(
        attachment_form(), {"giay_to_2__ref": "kho-42"}, {"giay_to_1": [upload]}
    )
    assert errors == {}
    assert cleaned["giay_to_1"] == {
        "document": 101, "name": "Tờ khai", "files": [upload], "refs": [],
    }  # fmt: skip
    assert cleaned["giay_to_2"]["refs"] == ["kho-42"]
    assert "giay_to_3" not in cleaned, "hidden by its condition"
    assert "giay_to_4" not in cleaned, "not asked for online"


def test_a_conditional_attachment_is_required_once_shown():
    _, errors = validate_submission(
        attachment_form(), {"uy_quyen": "1", "giay_to_1__ref": "a", "giay_to_2__ref": "b"}
    )
    assert errors == {"giay_to_3": "Vui lòng đính kèm «Văn bản ủy quyền»."}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("to-khai.docx", b"PK\x03\x04 word"),
         "Tệp «to-khai.docx» không phải PDF, JPEG hoặc PNG."),
        (SimpleUploadedFile("rong.pdf", b""), "Tệp «rong.pdf» rỗng."),
    ],
)  # fmt: skip
def test_a_refused_file_is_explained_next_to_its_attachment(upload, message):
    _, errors = validate_submission(
        attachment_form(), {"giay_to_2__ref": "b"}, {"giay_to_1": [upload]}
    )
    assert errors == {"giay_to_1": message}


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    files = {"giay_to_1": [big]}
    _, errors = validate_submission(attachment_form(), {"giay_to_2__ref": "b"}, files)
    assert errors["giay_to_1"].startswith("Tệp «lon.pdf» dung lượng 1.0 MB, vượt quá giới hạn 1 MB")


def test_clean_or_raise_carries_every_message():
    with pytest.raises(FieldError) as caught:
        clean_or_raise(relation_form(), {"quan_he": "Người thân khác"})
    assert caught.value.errors == {"ghi_ro": "Vui lòng nhập «Ghi rõ quan hệ»."}
    assert caught.value.field == "ghi_ro" and caught.value.status == 422


# --- showing it again -------------------------------------------------------------------------


def test_on_error_every_typed_value_comes_back_with_its_message_beside_it():
    definition = make_form(
        field("ho_ten", label="Họ và tên", required=True),
        field("cccd", "id_number", label="Số định danh cá nhân", required=True,
              help_text="12 chữ số trên thẻ căn cước."),
        field("ngay_sinh", "date", label="Ngày sinh"),
        field("quan_he", "radio", label="Quan hệ", options=["Cha", "Mẹ", "Người thân khác"]),
        field("ghi_ro", label="Ghi rõ quan hệ", required=True, show_if_field="quan_he",
              show_if_value="Người thân khác"),
        field("ghi_chu", "textarea", label="Ghi chú"),
    )  # fmt: skip
    data = QueryDict(mutable=True)
    data.update({
        "ho_ten": "Trần <Thị> Bình", "cccd": "0371", "ngay_sinh": "30/02/2020",
        "quan_he": "Người thân khác", "ghi_chu": "Xin nhận kết quả qua bưu điện",
    })  # fmt: skip
    _, errors = validate_submission(definition, data)
    assert set(errors) == {"cccd", "ngay_sinh", "ghi_ro"}
    html = render_to_string(
        "forms/_fields.html", {"definition": definition, "values": data, "errors": errors}
    )
    assert 'value="Trần &lt;Thị&gt; Bình"' in html, "typed text kept (and escaped)"
    assert 'value="0371"' in html
    assert 'type="text" id="bm-ngay_sinh" name="ngay_sinh" value="30/02/2020"' in html, (
        "an impossible date stays as typed, in a text box"
    )
    assert 'value="Người thân khác" checked' in html
    assert ">Xin nhận kết quả qua bưu điện</textarea>" in html
    assert (
        '<p class="bm-error" id="bm-cccd-loi"><span aria-hidden="true">⚠ </span>'
        "Số định danh cá nhân (căn cước) phải gồm đúng 12 chữ số.</p>"
    ) in html
    assert 'aria-describedby="bm-cccd-huongdan bm-cccd-loi"' in html
    assert 'aria-invalid="true"' in html
    assert '<label for="bm-ho_ten">Họ và tên' in html
    assert 'data-show-if="quan_he" data-show-if-value="Người thân khác"' in html
    assert "Chỉ cần điền khi «Quan hệ» là «Người thân khác»." in html
    assert "Chưa gửi được: còn 3 chỗ cần sửa" in html
    assert '<a href="#bm-cccd">Số định danh cá nhân: ' in html
    assert "<script " in html and "style=" not in html, "CSP: scripts and styles from files"
