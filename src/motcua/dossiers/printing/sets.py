"""The two official form sets: which number and title each form kind has under each.

TT 01/2018/TT-VPCP applies to dossiers received before 15/09/2025, TT 03/2025/TT-VPCP
(Phụ lục I) from then on (domain.md §2.1, R-FORM-1). The kinds are the same words in both
sets; only the stop notice is new in 2025, and the numbering of the control slip and the
register moved up by one to make room for it.
"""

from dataclasses import dataclass

from motcua.core.errors import DomainError
from motcua.dossiers.rules import BY_CODE

TT01, TT03 = "TT01_2018", "TT03_2025"

CIRCULARS = {
    TT01: "Thông tư số 01/2018/TT-VPCP",
    TT03: "Thông tư số 03/2025/TT-VPCP",
}

FORM_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control_slip")
REGISTER = "register"


@dataclass(frozen=True)
class FormSpec:
    kind: str
    number: int
    title: str
    template: str

    @property
    def label(self) -> str:
        return f"Mẫu số {self.number:02d}"


_RECEIPT = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
_SUPPLEMENT = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
_REFUSAL = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
_CONTROL = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
_REGISTER = "Sổ theo dõi hồ sơ"

SETS: dict[str, dict[str, FormSpec]] = {
    TT01: {
        s.kind: s
        for s in (
            FormSpec("receipt", 1, _RECEIPT, "receipt.html"),
            FormSpec("supplement", 2, _SUPPLEMENT, "supplement.html"),
            FormSpec("refusal", 3, _REFUSAL, "refusal.html"),
            FormSpec(
                "apology", 4, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "apology_tt01.html"
            ),
            FormSpec("control_slip", 5, _CONTROL, "control_slip.html"),
            FormSpec(REGISTER, 6, _REGISTER, "register.html"),
        )
    },
    TT03: {
        s.kind: s
        for s in (
            FormSpec("receipt", 1, _RECEIPT, "receipt.html"),
            FormSpec("supplement", 2, _SUPPLEMENT, "supplement.html"),
            FormSpec("refusal", 3, _REFUSAL, "refusal.html"),
            FormSpec(
                "apology",
                4,
                "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
                "apology_tt03.html",
            ),
            FormSpec("stop", 5, "Thông báo dừng giải quyết hồ sơ", "stop.html"),
            FormSpec("control_slip", 6, _CONTROL, "control_slip.html"),
            FormSpec(REGISTER, 7, _REGISTER, "register.html"),
        )
    },
}


def forms_of(rule_set: str) -> str:
    """The form set ("TT01_2018" | "TT03_2025") a dossier's rule set prints with."""
    try:
        return BY_CODE[rule_set].forms
    except KeyError:
        raise DomainError(
            f"Không rõ bộ quy định «{rule_set}» của hồ sơ.", code="unknown_rule_set"
        ) from None


def spec(forms: str, kind: str) -> FormSpec:
    """The form of ``kind`` in the set ``forms``, or a DomainError saying why there is none."""
    if kind not in FORM_KINDS and kind != REGISTER:
        raise DomainError(
            f"Không có biểu mẫu «{kind}»; chọn một trong: {', '.join(FORM_KINDS)}.",
            code="unknown_form",
            field="kind",
        )
    found = SETS[forms].get(kind)
    if found is None:
        raise DomainError(
            f"Bộ biểu mẫu theo {CIRCULARS[forms]} không có biểu mẫu này "
            "(Thông báo dừng giải quyết hồ sơ chỉ có từ Thông tư số 03/2025/TT-VPCP).",
            code="form_not_in_rule_set",
            field="kind",
        )
    return found
