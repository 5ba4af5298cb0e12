"""Sổ theo dõi hồ sơ: the dossiers one one-stop unit received in the period, and no others."""

from datetime import date

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.printing import render_register
from tests.factories import at, intake
from tests.printing.printing_helpers import pdf_text


def test_register_lists_the_period_of_one_unit(receive, lifecycle, procedure, people, province):
    returned = lifecycle("2026-03-02")  # received 02/03 09:00, handed 10:00, returned 03/03
    mid = receive("2026-03-17 10:15", sets=2)
    last_day = receive("2026-03-31 16:40")
    before = receive("2026-02-27 16:00")
    after = receive("2026-04-01 07:30")
    elsewhere = receive("2026-03-10 09:00", unit="center", actor="center_receiver",
                        competent_unit=province["commune_a"])  # fmt: skip
    desk = province["commune_a_center"]
    not_received = services.submit_online(None, desk, intake(procedure), now=at("2026-03-05 09:00"))
    services.act(not_received, "refuse", people["receiver"], reason="Sai thẩm quyền",
                 now=at("2026-03-05 10:00"))  # fmt: skip

    text = pdf_text(render_register(province["commune_a_center"], date(2026, 3, 1),
                                    date(2026, 3, 31)))  # fmt: skip
    assert "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)" in text
    assert "SỔ THEO DÕI HỒ SƠ Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ GIA VIỄN" in text
    for header in ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
                   "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
                   "Nhận hồ sơ (giờ, ngày)", "Hẹn trả kết quả",
                   "Chuyển hồ sơ đến cơ quan giải quyết", "Trả kết quả (giờ, ngày)", "Ký nhận",
                   "Ghi chú"):  # fmt: skip
        assert header in text, header

    listed = [returned, mid, last_day]
    positions = [text.index(f"{n} {d.code} Đăng ký khai sinh") for n, d in enumerate(listed, 1)]
    assert positions == sorted(positions)
    for other in (before, after, elsewhere, not_received):
        assert other.code not in text
    assert "Tổng số hồ sơ tiếp nhận trong kỳ: 3" in text

    first_row = text[positions[0] : positions[1]]
    assert "Đăng ký khai sinh 1 Nguyễn Thị Ngọc Ánh Thôn Đông, xã Gia Viễn, 0912345678" in first_row
    # received, appointment, handed to the commune
    assert "09:00 02/03/2026 17:00 05/03/2026 10:00 02/03/2026" in first_row
    assert "14:00 03/03/2026" in first_row and "Trước hạn" in first_row  # returned early
    assert f"2 {mid.code} Đăng ký khai sinh 2 " in text  # two sets
    assert "16:40 31/03/2026" in text and "Đã tiếp nhận" in text[positions[2] :]


def test_a_period_ending_before_tt03_prints_the_tt01_register(receive, province):
    d = receive("2025-08-04 09:00")
    text = pdf_text(render_register(province["commune_a_center"], date(2025, 8, 1),
                                    date(2025, 8, 31)))  # fmt: skip
    assert "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)" in text
    assert f"1 {d.code} Đăng ký khai sinh" in text


def test_empty_and_backwards_periods(province, db):
    text = pdf_text(render_register(province["commune_a_center"], date(2026, 5, 1),
                                    date(2026, 5, 31)))  # fmt: skip
    assert "Không có hồ sơ tiếp nhận trong kỳ." in text
    assert "Tổng số hồ sơ tiếp nhận trong kỳ: 0" in text
    with pytest.raises(DomainError) as exc:
        render_register(province["commune_a_center"], date(2026, 5, 31), date(2026, 5, 1))
    assert exc.value.code == "invalid_period"
