"""The one declarative transition table of the dossier lifecycle (domain.md §9.2).

Each row says which states an action starts from, which state it leads to, who may take it
(a role, at which of the dossier's units) and what it must carry. ``services`` reads this
table to check every change; the back office and the API read it to offer only the actions
a user may take now. Lateness is not a state (it is a flag computed from the due date).
"""

from dataclasses import dataclass

from .models import State

S = State
OPEN = frozenset({S.RECEIVED, S.IN_PROCESS, S.WAITING_SUPPLEMENT, S.WAITING_PAYMENT})


class Where:
    """Which unit of the dossier the actor's role must cover."""

    RECEIVING = "receiving"  # the one-stop unit that received it
    CURRENT = "current"  # the unit holding the current step
    COMPETENT = "competent"  # the unit resolving it (its head signs notices)
    APPLICANT = "applicant"  # the applicant's own account


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    role: str | None  # None with Where.CURRENT: the role of the current step
    where: str
    needs_reason: bool = False
    form: str | None = None  # the official form the action issues (forms.py)
    also_applicant: bool = False  # the applicant may take it from their account too


TABLE = [
    Transition("submit", "Nộp hồ sơ trực tuyến", frozenset({S.DRAFT}), S.SUBMITTED,
               None, Where.APPLICANT),
    Transition("receive", "Tiếp nhận hồ sơ", frozenset({S.SUBMITTED}), S.RECEIVED,
               "RECEIVER", Where.RECEIVING, form="receipt"),
    Transition("request_intake_supplement", "Yêu cầu bổ sung, hoàn thiện (chưa tiếp nhận)",
               frozenset({S.SUBMITTED}), None, "RECEIVER", Where.RECEIVING,
               needs_reason=True, form="supplement"),
    Transition("resubmit", "Nộp lại hồ sơ đã bổ sung", frozenset({S.SUBMITTED}), None,
               None, Where.APPLICANT),
    Transition("refuse", "Từ chối tiếp nhận", frozenset({S.SUBMITTED}), S.REJECTED,
               "RECEIVER", Where.RECEIVING, needs_reason=True, form="refusal"),
    Transition("assign", "Phân công xử lý", frozenset({S.RECEIVED, S.IN_PROCESS}), None,
               "HEAD", Where.CURRENT),
    Transition("forward", "Chuyển bước tiếp theo", frozenset({S.RECEIVED, S.IN_PROCESS}),
               S.IN_PROCESS, None, Where.CURRENT),
    Transition("send_back", "Trả lại bước trước", frozenset({S.IN_PROCESS}), S.IN_PROCESS,
               None, Where.CURRENT, needs_reason=True),
    Transition("transfer", "Chuyển liên thông", frozenset({S.IN_PROCESS}), S.IN_PROCESS,
               None, Where.CURRENT, needs_reason=True),
    Transition("request_supplement", "Yêu cầu bổ sung sau thẩm định",
               frozenset({S.IN_PROCESS}), S.WAITING_SUPPLEMENT, None, Where.CURRENT,
               needs_reason=True, form="supplement"),
    Transition("complete_supplement", "Tiếp nhận hồ sơ bổ sung",
               frozenset({S.WAITING_SUPPLEMENT}), S.IN_PROCESS, "RECEIVER", Where.RECEIVING,
               also_applicant=True),
    Transition("lapse_supplement", "Dừng do quá hạn bổ sung", frozenset({S.WAITING_SUPPLEMENT}),
               S.STOPPED, "RECEIVER", Where.RECEIVING, needs_reason=True),
    Transition("request_payment", "Thông báo nghĩa vụ tài chính", frozenset({S.IN_PROCESS}),
               S.WAITING_PAYMENT, None, Where.CURRENT, needs_reason=True),
    Transition("confirm_payment", "Xác nhận đã thực hiện nghĩa vụ tài chính",
               frozenset({S.WAITING_PAYMENT}), S.IN_PROCESS, "RECEIVER", Where.RECEIVING),
    Transition("not_eligible", "Không đủ điều kiện giải quyết", frozenset({S.IN_PROCESS}),
               S.STOPPED, "HEAD", Where.CURRENT, needs_reason=True),
    Transition("resolve", "Hoàn thành giải quyết, có kết quả", frozenset({S.IN_PROCESS}),
               S.RESOLVED, None, Where.CURRENT),
    Transition("return_result", "Trả kết quả", frozenset({S.RESOLVED}), S.RETURNED,
               "RECEIVER", Where.RECEIVING),
    Transition("withdraw", "Dừng giải quyết theo yêu cầu của người nộp",
               frozenset({S.SUBMITTED}) | OPEN, S.WITHDRAWN, "RECEIVER", Where.RECEIVING,
               form="stop", also_applicant=True),
    Transition("apologize", "Xin lỗi và hẹn lại ngày trả kết quả", OPEN, None, "HEAD",
               Where.COMPETENT, needs_reason=True, form="apology"),
]  # fmt: skip

TRANSITIONS: dict[str, Transition] = {t.action: t for t in TABLE}


def allowed_from(state: str) -> list[Transition]:
    return [t for t in TABLE if state in t.sources]
