"""The counters every figure is summed from, and which day each one is counted on.

A dossier contributes 0/1 (or a small sum) to each counter. Every counter has a *role* that
says which of the dossier's days it is filed under:

- ``R`` the day of receipt (Ngày tiếp nhận; for an online submission never received, the day
  it was submitted) — the 766 index counts dossiers this way (domain.md §3.2);
- ``F`` the day processing ended (Ngày kết thúc xử lý: resolved, stopped, withdrawn, refused);
- ``T`` the day the result was handed back (Ngày trả kết quả).

The same list defines the columns of the per-dossier fact row and of the tallies, so a tally
is, by construction, the sum of its facts' columns (``consistency`` checks exactly that).
"""

from dataclasses import dataclass

R, F, T = "R", "F", "T"


@dataclass(frozen=True)
class Counter:
    name: str
    role: str
    label: str


COUNTERS: tuple[Counter, ...] = (
    # --- by day of receipt -------------------------------------------------------------------
    Counter("received", R, "Hồ sơ tiếp nhận"),
    Counter("ch_direct", R, "Tiếp nhận trực tiếp"),
    Counter("ch_postal", R, "Tiếp nhận qua bưu chính công ích"),
    Counter("ch_online_partial", R, "Tiếp nhận trực tuyến một phần"),
    Counter("ch_online_full", R, "Tiếp nhận trực tuyến toàn trình"),
    Counter("online_counted", R, "Hồ sơ trực tuyến được tính (có kết quả điện tử nếu bắt buộc)"),
    Counter("submitted_online", R, "Hồ sơ nộp trực tuyến (kể cả chưa tiếp nhận, bị từ chối)"),
    Counter("pending", R, "Nộp trực tuyến, đang chờ tiếp nhận"),
    Counter("open_now", R, "Đã tiếp nhận, chưa kết thúc xử lý"),
    Counter("late_final", R, "Quá hạn (đã kết thúc quá hạn, hoặc yêu cầu bổ sung từ 2 lần)"),
    Counter("supplemented", R, "Hồ sơ có yêu cầu bổ sung"),
    Counter("supplement_requests", R, "Số lần yêu cầu bổ sung"),
    Counter("apologized", R, "Hồ sơ có văn bản xin lỗi, hẹn lại"),
    Counter("fee_due", R, "Hồ sơ có phí, lệ phí"),
    Counter("paid_online", R, "Hồ sơ thanh toán trực tuyến"),
    Counter("resolved_r", R, "Đã có kết quả giải quyết"),
    Counter("written_resolved", R, "Đã có kết quả, TTHC yêu cầu kết quả bằng văn bản"),
    Counter("written_e_result", R, "… trong đó có kết quả điện tử"),
    Counter("e_result", R, "Hồ sơ có kết quả điện tử"),
    Counter("digitized", R, "Hồ sơ có thành phần được số hóa"),
    Counter("digitized_full", R, "Số hóa hồ sơ và kết quả (chỉ số 4.2)"),
    Counter("reused", R, "Khai thác, tái sử dụng dữ liệu số hóa"),
    Counter("repo_linked", R, "Kết nối kho dữ liệu cá nhân"),
    Counter("vneid", R, "Sử dụng tài khoản định danh điện tử / dữ liệu dân cư"),
    Counter("rated", R, "Hồ sơ được đánh giá"),
    Counter("liked", R, "Đánh giá hài lòng"),
    Counter("disliked", R, "Đánh giá không hài lòng"),
    Counter("rating_sum", R, "Tổng điểm đánh giá (thang 1–5)"),
    # --- by day processing ended -------------------------------------------------------------
    Counter("fin_early", F, "Giải quyết trước hạn"),
    Counter("fin_on_time", F, "Giải quyết đúng hạn"),
    Counter("fin_late", F, "Giải quyết quá hạn"),
    Counter("stopped", F, "Dừng xử lý"),
    Counter("withdrawn", F, "Công dân rút hồ sơ"),
    Counter("refused", F, "Từ chối tiếp nhận"),
    Counter("closed", F, "Đã tiếp nhận và kết thúc xử lý"),
    Counter("work_count", F, "Hồ sơ được tính thời gian giải quyết"),
    Counter("work_minutes", F, "Tổng thời gian giải quyết (phút làm việc)"),
    # --- by day of return --------------------------------------------------------------------
    Counter("returned", T, "Đã trả kết quả"),
    Counter("ret_desk", T, "Trả tại Bộ phận Một cửa"),
    Counter("ret_post", T, "Trả qua bưu chính"),
    Counter("ret_online", T, "Trả trực tuyến"),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COUNTERS)
BY_NAME = {c.name: c for c in COUNTERS}
BY_ROLE = {role: tuple(c.name for c in COUNTERS if c.role == role) for role in (R, F, T)}
ROLE_DAY = {R: "day", F: "end_day", T: "return_day"}  # the fact's date column per role


def zero() -> dict[str, int]:
    return dict.fromkeys(NAMES, 0)
