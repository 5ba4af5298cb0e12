"""The builder's input forms: parsing what an official types. The rules (keys, options,
conditions, bounds) are checked in ``services.field_problems``."""

from django import forms

from .models import CHOICE_TYPES, FieldType, FormDefinition, FormField, Prefill


class AccessibleForm(forms.Form):
    """Server-side messages only (no browser bubbles), wired to their inputs for screen
    readers: ``aria-describedby`` names the help text and the error printed beside it."""

    use_required_attribute = False

    def wire(self) -> "AccessibleForm":
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if self.is_bound and bound.errors:
                ids.append(f"{bound.auto_id}_loi")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
        return self


class FieldForm(AccessibleForm):
    label = forms.CharField(label="Nhãn (câu hỏi)", max_length=300)
    type = forms.ChoiceField(label="Kiểu dữ liệu", choices=FieldType.choices, initial="text")
    required = forms.BooleanField(label="Bắt buộc điền", required=False)
    options = forms.CharField(
        label="Các lựa chọn",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi dòng một lựa chọn. Dùng cho danh sách, nút chọn và ô đánh dấu nhiều "
        "lựa chọn.",
    )
    help_text = forms.CharField(
        label="Hướng dẫn điền", required=False, max_length=500,
        help_text="Hiện dưới nhãn, ví dụ: Ghi theo giấy chứng sinh.",
    )  # fmt: skip
    show_if_field = forms.ChoiceField(label="Chỉ hiện khi trường", required=False)
    show_if_value = forms.CharField(
        label="có giá trị",
        required=False,
        max_length=200,
        help_text="Để trống: hiện khi trường điều kiện đã được điền hoặc đánh dấu.",
    )
    key = forms.CharField(
        label="Mã trường",
        required=False,
        max_length=40,
        help_text="Để trống để tự tạo từ nhãn (ví dụ ho_va_ten).",
    )
    min_value = forms.CharField(
        label="Tối thiểu", required=False, max_length=20,
        help_text="Số: giá trị nhỏ nhất; ngày: ngày/tháng/năm hoặc «hôm nay»; văn bản: số "
        "ký tự ít nhất.",
    )  # fmt: skip
    max_value = forms.CharField(
        label="Tối đa", required=False, max_length=20,
        help_text="Số: giá trị lớn nhất; ngày: ngày/tháng/năm hoặc «hôm nay»; văn bản: số "
        "ký tự nhiều nhất.",
    )  # fmt: skip
    pattern = forms.CharField(
        label="Mẫu kiểm tra (biểu thức chính quy)", required=False, max_length=200,
        help_text=r"Ví dụ \d{2}[A-Z]-\d{3}\.\d{2} cho biển số xe.",
    )  # fmt: skip
    pattern_message = forms.CharField(label="Thông báo khi sai mẫu", required=False, max_length=200)
    prefill = forms.ChoiceField(
        label="Tự điền từ tài khoản người nộp",
        choices=Prefill.choices,
        initial=Prefill.NONE,
        help_text="Cũng cho biết trường này là thông tin người nộp hồ sơ.",
    )

    def __init__(self, *args, definition: FormDefinition, field: FormField | None = None, **kw):
        kw.setdefault("auto_id", "them_%s" if field is None else "sua_%s")
        super().__init__(*args, **kw)
        others = [f for f in definition.fields.all() if field is None or f.pk != field.pk]
        self.fields["show_if_field"].choices = [("", "— Luôn hiện —")] + [
            (f.key, f.label) for f in others
        ]
        # Option lists of the candidate controlling fields, for the value suggestions.
        self.controller_options = {f.key: f.options for f in others if f.type in CHOICE_TYPES}

    @property
    def options_script_id(self) -> str:
        return self.auto_id % "lua_chon_dieu_kien"

    @staticmethod
    def initial_for(field: FormField) -> dict:
        data = {name: getattr(field, name) for name in FieldForm.base_fields if name != "options"}
        data["options"] = "\n".join(field.options)
        return data

    def apply(self, field: FormField) -> FormField:
        data = self.cleaned_data
        for name in self.fields:
            if name != "options":
                setattr(field, name, data[name])
        field.options = [line.strip() for line in data["options"].splitlines() if line.strip()]
        return field
