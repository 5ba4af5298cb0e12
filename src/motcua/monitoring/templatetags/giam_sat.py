"""Template filters of the monitoring pages: Vietnamese numbers and labels."""

from django import template

register = template.Library()

INPUTS = {
    "received": "hồ sơ tiếp nhận",
    "late": "quá hạn",
    "late_final": "đã kết thúc quá hạn hoặc bổ sung từ 2 lần",
    "supplemented": "có yêu cầu bổ sung",
    "completed": "đã giải quyết xong",
    "working_minutes": "tổng phút làm việc",
    "average_working_days": "bình quân (ngày làm việc)",
    "online": "trực tuyến",
    "online_counted": "trực tuyến được tính",
    "direct": "trực tiếp",
    "postal": "bưu chính",
    "sync_rate": "tỷ lệ đồng bộ",
    "full_online": "toàn trình",
    "partial_online": "một phần",
    "eligible_for_full": "đủ điều kiện toàn trình",
    "full_among_eligible": "toàn trình trong số đủ điều kiện",
    "disliked": "không hài lòng",
    "liked": "hài lòng",
    "rated": "được đánh giá",
    "pakn": "phản ánh, kiến nghị",
}


@register.filter
def so(value, decimals: int = 2):
    """A number the Vietnamese way: 20.940 ; 76,05 ; — for none."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if number.is_integer():
        return f"{int(number):,}".replace(",", ".")
    text = f"{number:,.{int(decimals)}f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def nhan(key: str) -> str:
    """The Vietnamese label of a formula input."""
    return INPUTS.get(key, key)
