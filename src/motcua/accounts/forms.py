"""Account forms: the shape of the input only; the checks are in ``services``."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from motcua.dossiers.models import ApplicantType


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Số định danh cá nhân hoặc mã số thuế",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Số định danh (mã số thuế) hoặc mật khẩu không đúng. Vui lòng thử lại.",
        "inactive": "Tài khoản này đã bị khóa.",
    }


REQUIRED = {"required": "Vui lòng nhập thông tin này."}


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Đăng ký cho",
        choices=ApplicantType.choices,
        initial=ApplicantType.CITIZEN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Họ và tên / tên tổ chức", max_length=255, error_messages=REQUIRED)
    id_number = forms.CharField(
        label="Số định danh cá nhân (số căn cước)",
        max_length=12,
        required=False,
        help_text="12 chữ số. Tổ chức: của người đại diện theo pháp luật (không bắt buộc).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(
        label="Mã số thuế (tổ chức, doanh nghiệp)",
        max_length=14,
        required=False,
        help_text="10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0101234567-001).",
    )
    phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label="Thư điện tử",
        max_length=254,
        required=False,
        help_text="Để nhận thông báo về hồ sơ.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        error_messages=REQUIRED,
        help_text="Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu",
        strip=False,
        error_messages=REQUIRED,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") != data.get("password"):
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp.")
        kind = data.get("kind")
        if kind == ApplicantType.CITIZEN and not data.get("id_number"):
            self.add_error("id_number", "Vui lòng nhập số định danh cá nhân.")
        if kind == ApplicantType.ORGANIZATION and not data.get("tax_code"):
            self.add_error("tax_code", "Vui lòng nhập mã số thuế của tổ chức.")
        return data


class ProfileForm(forms.Form):
    name = forms.CharField(label="Họ và tên / tên tổ chức", max_length=255, error_messages=REQUIRED)
    id_number = forms.CharField(
        label="Số định danh cá nhân (số căn cước)",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label="Thư điện tử",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label="Địa chỉ", max_length=500, required=False)


class RepresentationForm(forms.Form):
    principal_type = forms.ChoiceField(
        label="Người ủy quyền là",
        choices=ApplicantType.choices,
        initial=ApplicantType.CITIZEN,
        widget=forms.RadioSelect,
    )
    principal_name = forms.CharField(
        label="Họ và tên / tên tổ chức ủy quyền", max_length=255, error_messages=REQUIRED
    )
    principal_id_number = forms.CharField(
        label="Số định danh cá nhân / mã số thuế",
        max_length=20,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    principal_phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    principal_email = forms.CharField(label="Thư điện tử", max_length=254, required=False)
    principal_address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    valid_until = forms.DateField(
        label="Ủy quyền đến ngày",
        required=False,
        help_text="Để trống nếu không thời hạn.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ngày không hợp lệ."},
    )
    authorization = forms.FileField(
        label="Văn bản ủy quyền (PDF, JPEG, PNG)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
