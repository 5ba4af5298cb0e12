"""Every form kind rendered for a TT 03/2025 dossier and a TT 01/2018 one, read back from
the PDF text: number, title, motto, unit, code, applicant, dates, tracking address."""

import logging
import time
import warnings

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.printing import FORM_KINDS, form_data, form_title, render_form
from tests.factories import APPLICANT, at, intake
from tests.printing.printing_helpers import TT01_DAY, TT03_DAY, pdf_text

PUBLIC = "https://dichvucong.thunghiem.gov.vn"

SETS = {
    "TT03": {
        "day": TT03_DAY,
        "circular": "(Thông tư số 03/2025/TT-VPCP)",
        "code": "000.01.31.H99-260302-0001",
        "received": "09 giờ 00 phút, ngày 02 tháng 03 năm 2026",
        "due": "17 giờ 00 phút, ngày 05 tháng 03 năm 2026",
        "place_date": "Gia Viễn, ngày 02 tháng 03 năm 2026",
        "late": "2026-03-06 08:00",
        "new_due": "2026-03-10T17:00:00+07:00",
        "new_due_text": "17 giờ 00 phút, ngày 10 tháng 03 năm 2026",
        "apology": (4, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
        "slip": 6,
    },
    "TT01": {
        "day": TT01_DAY,
        "circular": "(Thông tư số 01/2018/TT-VPCP)",
        "code": "000.01.31.H99-250804-0001",
        "received": "09 giờ 00 phút, ngày 04 tháng 08 năm 2025",
        "due": "17 giờ 00 phút, ngày 07 tháng 08 năm 2025",
        "place_date": "Gia Viễn, ngày 04 tháng 08 năm 2025",
        "late": "2025-08-08 08:00",
        "new_due": "2025-08-12T17:00:00+07:00",
        "new_due_text": "17 giờ 00 phút, ngày 12 tháng 08 năm 2025",
        "apology": (4, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        "slip": 5,
    },
}
both_sets = pytest.mark.parametrize("rules", SETS.values(), ids=SETS.keys())


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC


def assert_frame(text: str, number: int, title: str, code: str, rules: dict):
    """What every dossier form carries: number, set, motto, unit, title, code, QR address."""
    assert f"Mẫu số {number:02d} {rules['circular']}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert title.upper() in text
    assert code in text
    assert f"truy cập {PUBLIC}/tra-cuu/?ma={code}" in text
    assert APPLICANT["name"] in text


@both_sets
def test_receipt_shows_everything_r_form_2_asks(receive, rules):
    d = receive(f"{rules['day']} 09:00", sets=2)
    assert d.code == rules["code"]
    title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert form_title(d, "receipt") == f"Mẫu số 01 — {title}"

    text = pdf_text(render_form(d, "receipt"))
    assert_frame(text, 1, title, d.code, rules)
    assert "ỦY BAN NHÂN DÂN XÃ GIA VIỄN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ GIA VIỄN" in text
    assert f"Mã hồ sơ: {d.code}" in text and rules["place_date"] in text
    for expected in [
        "Trung tâm Phục vụ hành chính công xã Gia Viễn tiếp nhận hồ sơ của: Nguyễn Thị Ngọc Ánh",
        "Số định danh cá nhân: 037190000123",
        "Địa chỉ: Thôn Đông, xã Gia Viễn",
        "Số điện thoại: 0912345678 Email: anh.nguyen@example.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
        "STT Tên giấy tờ Hình thức Số lượng 1 Tờ khai đăng ký khai sinh Bản chính 1",
        "2. Số lượng hồ sơ: 02 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
        f"4. Thời gian nhận hồ sơ: {rules['received']}",
        f"5. Thời gian trả kết quả giải quyết hồ sơ: {rules['due']}",
        "6. Đăng ký nhận kết quả: Tại Bộ phận Một cửa",
        "7. Phí, lệ phí: Lệ phí đăng ký khai sinh: 8.000 đồng.",
        "NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Ngọc Ánh",
        "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) tiepnhan",
    ]:
        assert expected in text, expected


def test_receipt_by_post_prints_the_address_and_waits_for_receipt(receive, procedure, province):
    d = receive(f"{TT03_DAY} 09:00", return_method="post",
                return_address="Số 5 đường Lê Lợi, xã Gia Viễn")  # fmt: skip
    text = pdf_text(render_form(d, "receipt"))
    assert "Qua dịch vụ bưu chính công ích, địa chỉ: Số 5 đường Lê Lợi, xã Gia Viễn" in text

    online = services.submit_online(None, province["commune_a_center"], intake(procedure),
                                    now=at(f"{TT03_DAY} 20:00"))  # fmt: skip
    with pytest.raises(DomainError) as exc:
        render_form(online, "receipt")
    assert exc.value.code == "form_not_available"


@both_sets
def test_supplement_at_intake_and_after_appraisal(receive, procedure, province, people, rules):
    day = rules["day"]
    online = services.submit_online(None, province["commune_a_center"], intake(procedure),
                                    now=at(f"{day} 08:00"))  # fmt: skip
    with pytest.raises(DomainError) as exc:
        render_form(online, "supplement")
    assert exc.value.code == "form_not_available"
    services.act(online, "request_intake_supplement", people["receiver"],
                 reason="Tờ khai chưa có chữ ký của người đi khai",
                 items=["Tờ khai đăng ký khai sinh có chữ ký", "Bản sao Giấy chứng sinh"],
                 now=at(f"{day} 09:30"))  # fmt: skip
    title = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    text = pdf_text(render_form(online, "supplement"))
    assert_frame(text, 2, title, online.code, rules)
    assert "Sau khi xem xét thành phần hồ sơ, Trung tâm Phục vụ hành chính công xã Gia Viễn" in text
    assert "1 Tờ khai đăng ký khai sinh có chữ ký 2 Bản sao Giấy chứng sinh" in text
    assert "Lý do: Tờ khai chưa có chữ ký của người đi khai" in text
    assert "liên hệ với tiepnhan, Trung tâm Phục vụ hành chính công xã Gia Viễn, số điện " \
           "thoại 0229 3868 686 để được hướng dẫn" in text  # fmt: skip
    assert "NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) tiepnhan" in text

    d = receive(f"{day} 10:00")
    d = services.act(d, "forward", people["receiver"], now=at(f"{day} 10:30"))
    d = services.act(d, "request_supplement", people["specialist"], reason="Thiếu giấy tờ",
                     items=["Bản sao căn cước của người đi khai"],
                     now=at(f"{day} 14:00"))  # fmt: skip
    text = pdf_text(render_form(d, "supplement"))
    assert "Qua thẩm định hồ sơ, Ủy ban nhân dân xã Gia Viễn đề nghị Ông/Bà bổ sung" in text
    assert "1 Bản sao căn cước của người đi khai" in text and "Lý do: Thiếu giấy tờ" in text


@both_sets
def test_refusal_gives_the_reason(procedure, province, people, rules):
    d = services.submit_online(None, province["commune_a_center"], intake(procedure),
                               now=at(f"{rules['day']} 08:00"))  # fmt: skip
    with pytest.raises(DomainError) as exc:
        render_form(d, "refusal")
    assert exc.value.code == "form_not_available"
    d = services.act(d, "refuse", people["receiver"], reason="Không thuộc thẩm quyền của xã",
                     now=at(f"{rules['day']} 09:00"))  # fmt: skip
    text = pdf_text(render_form(d, "refusal"))
    assert_frame(text, 3, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", d.code, rules)
    assert "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: " \
           "Không thuộc thẩm quyền của xã" in text  # fmt: skip
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) tiepnhan" in text


@both_sets
def test_apology_gives_original_date_reason_and_new_date(receive, people, rules):
    d = receive(f"{rules['day']} 09:00")
    d = services.act(d, "forward", people["receiver"], now=at(f"{rules['day']} 10:00"))
    with pytest.raises(DomainError) as exc:
        render_form(d, "apology")
    assert exc.value.code == "form_not_available"
    d = services.act(d, "apologize", people["head"], reason="Chờ kết quả xác minh",
                     new_due=rules["new_due"], now=at(rules["late"]))  # fmt: skip
    number, title = rules["apology"]
    assert form_title(d, "apology") == f"Mẫu số {number:02d} — {title}"
    text = pdf_text(render_form(d, "apology"))
    assert_frame(text, number, title, d.code, rules)
    assert "ỦY BAN NHÂN DÂN XÃ GIA VIỄN" in text  # the resolving agency issues it
    assert f"Kính gửi: Ông/Bà {APPLICANT['name']}" in text
    assert f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {rules['due']}" in text
    assert "Lý do: Chờ kết quả xác minh" in text
    assert "xin lỗi Ông/Bà" in text and rules["new_due_text"] in text
    assert "THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu) lanhdao" in text


def test_stop_notice_exists_only_under_tt03(receive, people):
    d = receive(f"{TT03_DAY} 09:00")
    with pytest.raises(DomainError) as exc:
        render_form(d, "stop")
    assert exc.value.code == "form_not_available"
    d = services.act(d, "withdraw", people["receiver"], reason="Người nộp không còn nhu cầu",
                     now=at(f"{TT03_DAY} 14:00"))  # fmt: skip
    assert form_title(d, "stop") == "Mẫu số 05 — Thông báo dừng giải quyết hồ sơ"
    text = pdf_text(render_form(d, "stop"))
    assert_frame(text, 5, "Thông báo dừng giải quyết hồ sơ", d.code, SETS["TT03"])
    assert "Vào lúc 14 giờ 00 phút, ngày 02 tháng 03 năm 2026" in text
    assert "- Lý do dừng: Người nộp không còn nhu cầu" in text
    assert "Điều 21 Nghị định số 118/2025/NĐ-CP" in text

    old = receive(f"{TT01_DAY} 09:00")
    old = services.act(old, "withdraw", people["receiver"], reason="Không còn nhu cầu",
                       now=at(f"{TT01_DAY} 10:00"))  # fmt: skip
    for call in (render_form, form_title, form_data):
        with pytest.raises(DomainError) as exc:
            call(old, "stop")
        assert exc.value.code == "form_not_in_rule_set"


@both_sets
def test_control_slip_rows_come_from_the_event_log(lifecycle, rules):
    d = lifecycle(rules["day"])
    title = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert form_title(d, "control_slip") == f"Mẫu số {rules['slip']:02d} — {title}"
    text = pdf_text(render_form(d, "control_slip"))
    assert_frame(text, rules["slip"], title, d.code, rules)
    dd, nxt = _dmy(rules["day"]), _dmy(rules["day"], 1)
    desk = "Trung tâm Phục vụ hành chính công xã Gia Viễn"
    commune = "Ủy ban nhân dân xã Gia Viễn"
    rows = [
        f"1. Giao: {desk} (cán bộ tiếp nhận) Nhận: {commune} (chuyên viên thụ lý) "
        f"10:00 {dd} Người giao: tiepnhan",
        f"2. Giao: {commune} (lãnh đạo phê duyệt) Nhận: {commune} (chuyên viên thụ lý) "
        f"10:30 {dd} Người giao: lanhdao Người nhận: chuyenvien",
        f"3. Giao: {commune} (chuyên viên thụ lý) Nhận: {commune} (lãnh đạo phê duyệt) "
        f"16:00 {dd} Người giao: chuyenvien",
        f"4. Giao: {commune} (lãnh đạo phê duyệt) Nhận: {desk} (cán bộ tiếp nhận) 11:00 {nxt}",
        f"5. Giao: {desk} (cán bộ tiếp nhận) Nhận: Người nộp hồ sơ 14:00 {nxt} "
        "Người giao: tiepnhan Người nhận: Nguyễn Thị Ngọc Ánh",
    ]
    positions = [text.index(row) for row in rows]
    assert positions == sorted(positions)
    verdicts = [_verdict_after(text, p) for p in positions]
    assert verdicts == ["Đúng hạn", "", "Trước hạn", "Quá hạn", "Đúng hạn"]
    assert "Tiếp nhận hồ sơ → Thẩm định hồ sơ" in text and "Đủ điều kiện" in text
    assert "Kết quả giải quyết hồ sơ: Trước hạn (Đã trả kết quả)" in text


def _verdict_after(text: str, position: int) -> str:
    """The verdict column of the row starting at ``position``: the first verdict word
    before the next row."""
    row = text[position:].split(". Giao: ")[1]
    found = [(row.index(f" {w} "), w) for w in ("Trước hạn", "Đúng hạn", "Quá hạn")
             if f" {w} " in row]  # fmt: skip
    return min(found)[1] if found else ""


def _dmy(day: str, plus: int = 0) -> str:
    y, m, d = day.split("-")
    return f"{int(d) + plus:02d}/{m}/{y}"


def test_control_slip_notes_pauses_and_liên_thông(receive, people):
    d = receive(f"{TT03_DAY} 09:00")
    d = services.act(d, "forward", people["receiver"], now=at(f"{TT03_DAY} 10:00"))
    d = services.act(d, "transfer", people["specialist"], to_unit="000.01.12.H99", hours=8,
                     reason="Xác minh lý lịch tư pháp", now=at(f"{TT03_DAY} 13:30"))  # fmt: skip
    text = pdf_text(render_form(d, "control_slip"))
    assert "Nhận: Phòng Hành chính tư pháp (chuyên viên thụ lý)" in text
    assert "Chuyển liên thông, thời gian 8 giờ làm việc Xác minh lý lịch tư pháp" in text


def test_unknown_kind_is_refused(receive):
    d = receive(f"{TT03_DAY} 09:00")
    with pytest.raises(DomainError) as exc:
        render_form(d, "bien_lai")
    assert exc.value.code == "unknown_form"
    assert "receipt" in FORM_KINDS and "register" not in FORM_KINDS


def test_form_data_is_the_same_form_as_plain_data(receive):
    d = receive(f"{TT03_DAY} 09:00")
    data = form_data(d.code, "receipt")
    assert data["form_number"] == "Mẫu số 01" and data["code"] == d.code
    assert data["appointment"] == SETS["TT03"]["due"]
    assert data["components"] == [{"no": 1, "name": "Tờ khai đăng ký khai sinh",
                                   "form": "Bản chính", "count": 1, "reused": False}]  # fmt: skip
    assert data["tracking_url"] == f"{PUBLIC}/tra-cuu/?ma={d.code}"


def test_rendering_is_quiet_and_fast(lifecycle, caplog):
    d = lifecycle(TT03_DAY)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        render_form(d, "receipt")  # the first render imports WeasyPrint and loads the fonts
        timings = {}
        for kind in ("receipt", "control_slip"):
            start = time.process_time()  # CPU time: other jobs on the machine don't count
            render_form(d, kind)
            timings[kind] = time.process_time() - start
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records] == []
    assert max(timings.values()) < 1.0, timings
