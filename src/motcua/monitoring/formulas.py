"""The 766 formulas as versioned configuration (R-766-2), and how a ratio becomes points.

Every indicator scores ``min(max, max × r ÷ full_at)``: ``full_at`` = 1 is the linear
``max × r``; ``full_at`` = 0.8 is "full points from 80%" (domain.md §3.2: ``min(2, 2A/0.8)``,
``min(2, 2.5B)``, ``min(6, 6r/0.9)``…). When the denominator is 0 the ratio is N/A and the
score follows ``if_empty``: ``"na"`` (0 points, shown N/A), ``"max"`` (full points, e.g. 5.2
and 5.3 "6 if no PAKN") or ``"zero"``. A group may be capped (``cap``).

The metric codes name the computations in ``index.py``; weights, thresholds and parameters
live here and in ``FormulaConfig`` rows, never in the computations.
"""

import copy
import math
from datetime import date

DEFAULT_CODE = "qd766-v1"

DEFAULT = {
    "code": DEFAULT_CODE,
    "name": "Bộ chỉ số 766 (QĐ 766/QĐ-TTg) theo cách tính của Cổng DVCQG, domain.md §3.2",
    "groups": [
        {
            "id": "1",
            "code": "CKMB",
            "api": "transparency",
            "name": "Công khai, minh bạch",
            "max": 18,
            "indicators": [
                {
                    "id": "1.1",
                    "metric": "PUBLISH_ON_TIME",
                    "name": "Tỷ lệ TTHC công bố đúng hạn",
                    "max": 6,
                    "params": {"ministry_working_days": 20, "province_working_days": 5},
                },
                {
                    "id": "1.2",
                    "metric": "PUBLIC_UPDATE_ON_TIME",
                    "name": "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
                    "max": 4,
                    "params": {"ministry_working_days": 10, "province_working_days": 5},
                },
                {
                    "id": "1.3",
                    "metric": "PUBLIC_CONTENT_FULL",
                    "name": "Tỷ lệ TTHC công khai đầy đủ các bộ phận tạo thành",
                    "max": 2,
                },
                {
                    "id": "1.4",
                    "metric": "DOSSIER_SYNC",
                    "name": "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG",
                    "max": 6,
                },
            ],
        },
        {
            "id": "2",
            "code": "TDGQ",
            "api": "dvc-progress-tree",
            "name": "Tiến độ giải quyết",
            "max": 20,
            "indicators": [
                {
                    "id": "2.1",
                    "metric": "ON_TIME_RATE",
                    "name": "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
                    "max": 20,
                },
                {
                    "id": "2.2",
                    "metric": "AVERAGE_TIME",
                    "name": "Thời gian giải quyết TTHC trung bình (ngày làm việc)",
                    "max": 0,
                },
            ],
        },
        {
            "id": "3",
            "code": "CLGQ",
            "api": "provide-online-tree",
            "name": "Dịch vụ công trực tuyến",
            "max": 12,
            "indicators": [
                {
                    "id": "3.1",
                    "metric": "ONLINE_PROCEDURES",
                    "name": "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến (một phần, toàn trình)",
                    "max": 2,
                    "full_at": 0.8,
                },
                {
                    "id": "3.2",
                    "metric": "ONLINE_PROCEDURES_USED",
                    "name": "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
                    "max": 4,
                },
                {
                    "id": "3.3",
                    "metric": "ONLINE_DOSSIERS",
                    "name": "Tỷ lệ hồ sơ nộp trực tuyến",
                    "max": 6,
                    "full_at": 0.5,
                },
            ],
        },
        {
            "id": "4",
            "code": "TTTT",
            "api": "formality-online-payment-tree",
            "name": "Thanh toán trực tuyến",
            "max": 10,
            "cap": 10,
            "indicators": [
                {
                    "id": "3.6",
                    "metric": "ONLINE_PAYMENT_DOSSIERS",
                    "name": "Tỷ lệ hồ sơ thanh toán trực tuyến",
                    "max": 6,
                },
                {
                    "id": "3.5b",
                    "metric": "ONLINE_PAYMENT_PROCEDURES",
                    "name": "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
                    "max": 2,
                    "full_at": 0.8,
                },
                {
                    "id": "3.5",
                    "metric": "FEE_DATA_PROCEDURES",
                    "name": "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
                    "max": 2,
                    "full_at": 0.8,
                },
            ],
        },
        {
            "id": "5",
            "code": "MDHL",
            "api": "handling-satisfaction",
            "name": "Mức độ hài lòng",
            "max": 18,
            "indicators": [
                {
                    "id": "5.1",
                    "metric": "PETITION_CLASSIFICATION",
                    "name": "Phản ánh, kiến nghị theo phân loại",
                    "max": 0,
                },
                {
                    "id": "5.2",
                    "metric": "PETITION_PROCESSING_ON_TIME",
                    "name": "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn",
                    "max": 6,
                    "if_empty": "max",
                },
                {
                    "id": "5.3",
                    "metric": "PETITION_HANDLING_SATISFACTION",
                    "name": "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
                    "max": 6,
                    "if_empty": "max",
                },
                {
                    "id": "5.4",
                    "metric": "DOSSIER_RECEIVING_SATISFACTION",
                    "name": "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
                    "max": 6,
                    "full_at": 0.9,
                    "if_empty": "zero",
                },
            ],
        },
        {
            "id": "6",
            "code": "MDSH",
            "api": "dossier-digitized",
            "name": "Số hóa hồ sơ",
            "max": 22,
            "indicators": [
                {
                    "id": "4.1",
                    "metric": "ORIGINAL_RESULT_AVAILABLE",
                    "name": "Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử",
                    "max": 6,
                },
                {
                    "id": "4.2",
                    "metric": "SO_HOA_GIAY_TO_GIAI_QUYET",
                    "name": "Tỷ lệ hồ sơ thực hiện số hóa hồ sơ",
                    "max": 4,
                },
                {
                    "id": "4.3",
                    "metric": "REUSED_DIGITIZED_DATA",
                    "name": "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
                    "max": 2,
                    "full_at": 0.8,
                },
                {
                    "id": "4.4",
                    "metric": "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
                    "name": "Tỷ lệ hồ sơ số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng",
                    "max": 4,
                },
                {
                    "id": "4.5b",
                    "metric": "CITIZEN_DATA_CONNECTED_DOSSIER",
                    "name": "Tỷ lệ hồ sơ có sử dụng thông tin, dữ liệu dân cư",
                    "max": 2,
                },
                {
                    "id": "4.5a",
                    "metric": "CITIZEN_DATA_CONNECTED_FORMALITY",
                    "name": "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư",
                    "max": 2,
                },
                {
                    "id": "4.6",
                    "metric": "ELECTRONIC_CERTIFIED_COPY",
                    "name": "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
                    "max": 2,
                    "params": {"procedure_name_words": ["chung thuc", "ban sao", "dien tu"]},
                },
            ],
        },
    ],
    "rating": {"like_at_least": 4, "dislike_at_most": 2},
}

METRICS = {indicator["metric"] for group in DEFAULT["groups"] for indicator in group["indicators"]}
EMPTY_RULES = {"na", "max", "zero"}


def check_config(config: dict) -> None:
    """Raise ValueError naming the first thing wrong with ``config`` (Vietnamese)."""
    if not isinstance(config, dict) or not isinstance(config.get("groups"), list):
        raise ValueError("Cấu hình phải có danh sách «groups».")
    total = 0
    seen: set[str] = set()
    for group in config["groups"]:
        gmax = _number(group.get("max"), f"Nhóm {group.get('id')}: «max»")
        indicators = group.get("indicators") or []
        imax = 0
        for ind in indicators:
            label = f"Chỉ số {ind.get('id')}"
            if ind.get("metric") not in METRICS:
                raise ValueError(f"{label}: mã phép tính «{ind.get('metric')}» không có.")
            if ind["id"] in seen:
                raise ValueError(f"{label}: trùng mã chỉ số.")
            seen.add(ind["id"])
            imax += _number(ind.get("max"), f"{label}: «max»")
            full_at = _number(ind.get("full_at", 1), f"{label}: «full_at»")
            if not 0 < full_at <= 1:
                raise ValueError(f"{label}: «full_at» phải trong khoảng (0; 1].")
            if ind.get("if_empty", "na") not in EMPTY_RULES:
                raise ValueError(f"{label}: «if_empty» phải là na, max hoặc zero.")
        if abs(imax - gmax) > 1e-9:
            raise ValueError(
                f"Nhóm {group.get('id')}: tổng điểm các chỉ số ({imax:g}) khác điểm nhóm "
                f"({gmax:g})."
            )
        total += gmax
    if abs(total - 100) > 1e-9:
        raise ValueError(f"Tổng điểm các nhóm phải bằng 100 (đang là {total:g}).")


def _number(value, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{label} phải là một số.")
    if value < 0:
        raise ValueError(f"{label} không được âm.")
    return float(value)


def for_period(first: date) -> dict:
    """The configuration in force for a period starting on ``first``."""
    from .models import FormulaConfig

    row = FormulaConfig.objects.filter(valid_from__lte=first).order_by("-valid_from").first()
    if row is None:
        return copy.deepcopy(DEFAULT)
    config = copy.deepcopy(row.config)
    config["code"] = row.code
    config.setdefault("name", row.name)
    return config


def round2(value: float) -> float:
    """Two decimals, halves up (as the national portal shows points)."""
    scaled = abs(value) * 100
    rounded = math.floor(scaled + 0.5 + 1e-9) / 100
    return rounded if value >= 0 else -rounded


def score(indicator: dict, numerator: float, denominator: float) -> tuple[float | None, float]:
    """(ratio or None when N/A, points) for one indicator."""
    top = float(indicator.get("max", 0))
    if not denominator:
        rule = indicator.get("if_empty", "na")
        return None, (top if rule == "max" else 0.0)
    ratio = max(0.0, min(1.0, numerator / denominator))
    full_at = float(indicator.get("full_at", 1))
    return ratio, round2(min(top, top * ratio / full_at))


def describe(indicator: dict) -> str:
    """The scoring formula as people read it: "min(6; 6 × r ÷ 0,9)"."""
    top = _vn(indicator.get("max", 0))
    if not indicator.get("max"):
        return "Chỉ số theo dõi, không tính điểm"
    full_at = float(indicator.get("full_at", 1))
    text = f"{top} × r" if full_at == 1 else f"min({top}; {top} × r ÷ {_vn(full_at)})"
    rule = indicator.get("if_empty", "na")
    if rule == "max":
        text += f"; {top} điểm nếu không phát sinh"
    return text


def _vn(value) -> str:
    return f"{float(value):g}".replace(".", ",")
