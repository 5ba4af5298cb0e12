"""The Calendar value object, the seed data, and the calendar built from the database."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.core.errors import DomainError
from motcua.workdays import deadlines as dl
from motcua.workdays import seed, services
from motcua.workdays.calendar import TZ, Calendar, build_calendar
from motcua.workdays.models import CalendarDay, WorkingWindow

OFFICIAL = build_calendar((d.date, d.kind) for d in seed.official_days())


@pytest.fixture(autouse=True)
def fresh_cache():
    """A rolled-back test must not leave its calendar in the process cache."""
    services.invalidate()
    yield
    services.invalidate()


# --- pure ---------------------------------------------------------------------------------


def test_working_day_rules_of_holidays_md():
    assert not OFFICIAL.is_working_day(date(2026, 2, 17))  # mùng 1 Tết
    assert not OFFICIAL.is_working_day(date(2026, 4, 27))  # nghỉ bù Giỗ Tổ
    assert not OFFICIAL.is_working_day(date(2026, 8, 31))  # hoán đổi
    assert OFFICIAL.is_working_day(date(2026, 8, 22))  # làm bù, a Saturday
    assert not OFFICIAL.is_working_day(date(2026, 8, 29))  # an ordinary Saturday
    assert OFFICIAL.is_working_day(date(2026, 3, 2))


def test_tet_2026_february_has_15_working_days():
    assert dl.working_days_between(date(2026, 2, 1), date(2026, 2, 28), OFFICIAL) == 15


def test_default_windows_make_an_8_hour_day():
    assert Calendar().day_length == timedelta(hours=8)
    assert Calendar().closing(date(2026, 3, 2)) == datetime(2026, 3, 2, 17, tzinfo=TZ)


def test_windows_must_be_ordered():
    with pytest.raises(ValueError, match="thứ tự"):
        Calendar(windows=((time(13), time(17)), (time(7), time(11))))


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="múi giờ"):
        dl.due_working_days(datetime(2026, 3, 2, 9), 1, OFFICIAL)


def test_utc_input_is_read_in_vietnam_time():
    received = datetime(2026, 3, 2, 2, tzinfo=UTC)  # 09:00 in Hà Nội
    due = dl.due_working_hours(received, 1, OFFICIAL)
    assert due == datetime(2026, 3, 2, 10, tzinfo=TZ)
    assert due.isoformat() == "2026-03-02T10:00:00+07:00"


def test_receipt_after_the_close_counts_from_the_next_working_day():
    friday_evening = datetime(2026, 3, 6, 18, tzinfo=TZ)
    assert dl.effective_day(friday_evening, OFFICIAL) == date(2026, 3, 9)
    assert dl.due_working_days(friday_evening, 1, OFFICIAL) == datetime(2026, 3, 10, 17, tzinfo=TZ)
    assert dl.due_working_days(friday_evening, 1, OFFICIAL, hour_mode=True) == datetime(
        2026, 3, 9, 17, tzinfo=TZ
    )


def test_receipt_before_opening_belongs_to_that_day():
    early = datetime(2026, 3, 2, 6, tzinfo=TZ)
    assert dl.effective_day(early, OFFICIAL) == date(2026, 3, 2)
    assert dl.due_working_hours(early, 1, OFFICIAL) == datetime(2026, 3, 2, 8, tzinfo=TZ)


def test_working_hours_skip_lunch():
    assert dl.due_working_hours(
        datetime(2026, 3, 2, 11, tzinfo=TZ), Decimal("1.5"), OFFICIAL
    ) == datetime(2026, 3, 2, 14, 30, tzinfo=TZ)  # 11:00-11:30, then 13:30-14:30


def test_half_a_working_day_is_four_working_hours():
    received = datetime(2026, 3, 2, 9, tzinfo=TZ)
    # 09:00-11:30 is 2,5 hours; the other 1,5 hours run 13:30-15:00.
    assert dl.due_for(received, Decimal("0.5"), "WORKING_DAY", OFFICIAL) == datetime(
        2026, 3, 2, 15, tzinfo=TZ
    )


def test_calendar_day_ending_on_a_swap_day_moves_on():
    # 21/08/2026 + 10 days = Mon 31/08 (hoán đổi) → Quốc khánh 01-02/09 → Thu 03/09.
    due = dl.due_calendar_days(datetime(2026, 8, 21, 9, tzinfo=TZ), 10, OFFICIAL)
    assert due == datetime(2026, 9, 3, 17, tzinfo=TZ)


@pytest.mark.parametrize(
    ("value", "unit", "code"),
    [
        (-1, "WORKING_DAY", "time_limit_not_positive"),
        (0, "DAY", "time_limit_not_positive"),
        (100000, "WORKING_DAY", "time_limit_too_large"),
        (731, "DAY", "time_limit_too_large"),
        (Decimal("2.5"), "DAY", "time_limit_fraction"),
        ("mười", "WORKING_DAY", "time_limit_invalid"),
        (float("nan"), "WORKING_HOUR", "time_limit_invalid"),
        (True, "WORKING_DAY", "time_limit_invalid"),
        (3, "MONTH", "time_unit_unknown"),
    ],
)
def test_absurd_limits_are_refused_with_a_stable_code(value, unit, code):
    with pytest.raises(DomainError) as caught:
        dl.due_for(datetime(2026, 3, 2, 9, tzinfo=TZ), value, unit, OFFICIAL)
    assert caught.value.code == code
    assert caught.value.status == 422


def test_labels_and_appointment_text_are_vietnamese():
    assert dl.limit_label(Decimal("0.5"), "WORKING_DAY") == "0,5 ngày làm việc"
    assert dl.limit_label(Decimal("5.0"), "DAY") == "5 ngày"
    assert dl.limit_label(0, "SAME_DAY") == "Trong ngày làm việc"
    assert (
        dl.appointment_text(datetime(2026, 2, 26, 17, tzinfo=TZ))
        == "17 giờ 00 phút, ngày 26 tháng 02 năm 2026"
    )


# --- seed data ----------------------------------------------------------------------------


def test_seed_csv_is_holidays_md_section_3():
    days = seed.official_days()
    assert len(days) == 40
    assert seed.official_years() == {2024, 2025, 2026}
    in_2026 = [d for d in days if d.date.year == 2026 and d.kind in ("holiday", "compensatory")]
    assert len(in_2026) == 12  # holidays.md §3 sanity check


def test_library_agrees_with_the_official_schedule_2024_2026():
    for year in (2024, 2025, 2026):
        official = {(d.date, d.kind) for d in seed.official_days() if d.date.year == year}
        assert {(d.date, d.kind) for d in seed.library_days(year)} == official


def test_library_rows_skip_weekend_holidays_and_name_compensatory_days():
    days = {d.date: d for d in seed.library_days(2027)}
    assert date(2027, 5, 1) not in days  # a Saturday
    assert days[date(2027, 5, 3)].kind == "compensatory"
    assert all(d.source == "python-holidays" for d in days.values())


def test_seed_days_prefer_the_csv():
    rows = seed.seed_days([2026, 2027])
    assert {r.source for r in rows if r.date.year == 2026} - {"python-holidays"}
    assert {r.source for r in rows if r.date.year == 2027} == {"python-holidays"}


# --- database -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_seeds_2020_to_2030():
    years = set(CalendarDay.objects.dates("date", "year").values_list("date__year", flat=True))
    assert years == set(range(2020, 2031))
    assert CalendarDay.objects.get(date=date(2026, 8, 22)).kind == "makeup_workday"
    assert CalendarDay.objects.get(date=date(2026, 8, 31)).source == "CV 9859/VPCP-KGVX (2025)"


@pytest.mark.django_db
def test_seed_is_idempotent_and_keeps_province_edits():
    before = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "source"))
    results = services.seed_calendar()
    assert {r.action for r in results} == {"kept"}
    assert list(CalendarDay.objects.order_by("date").values_list("date", "kind", "source")) == (
        before
    )
    CalendarDay.objects.filter(date__year=2030).delete()
    local_day = {"kind": "holiday", "name": "Ngày nghỉ địa phương", "source": "QĐ 1/QĐ-UBND"}
    CalendarDay.objects.create(date=date(2029, 6, 1), **local_day)
    results = {r.year: r for r in services.seed_calendar()}
    assert results[2030].action == "created"
    assert results[2029].action == "kept"
    assert CalendarDay.objects.filter(date=date(2029, 6, 1)).exists()


@pytest.mark.django_db
def test_seed_replaces_projections_when_the_csv_covers_the_year():
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, kind=d.kind, name=d.name, source=d.source)
        for d in seed.library_days(2026)
    )
    results = {r.year: r for r in services.seed_calendar([2026])}
    assert results[2026].action == "replaced"
    assert not CalendarDay.objects.filter(date__year=2026, source="python-holidays").exists()


@pytest.mark.django_db
def test_calendar_for_uses_the_table_and_sees_edits_at_once():
    monday = date(2026, 3, 2)
    assert services.calendar_for().is_working_day(monday)
    CalendarDay.objects.create(date=monday, kind="holiday", name="Nghỉ đột xuất", source="x")
    assert not services.calendar_for().is_working_day(monday)
    CalendarDay.objects.filter(date=monday).delete()
    assert services.calendar_for().is_working_day(monday)


@pytest.mark.django_db
def test_years_without_rows_fall_back_to_the_library():
    CalendarDay.objects.filter(date__year=2026).delete()
    cal = services.calendar_for()
    assert not cal.is_working_day(date(2026, 2, 17))
    assert cal.is_working_day(date(2026, 8, 22))  # the library knows the 2026 swap


@pytest.mark.django_db
def test_working_windows_inherit_down_the_unit_tree(province):
    WorkingWindow.objects.create(unit=None, morning_start=time(7, 30), afternoon_end=time(17))
    hours = {"morning_start": time(8), "morning_end": time(12), "afternoon_start": time(13)}
    WorkingWindow.objects.create(unit=province["justice"], **hours)
    assert services.calendar_for().opening(date(2026, 3, 2)).time() == time(7, 30)
    division = services.calendar_for(province["justice_div"])
    assert division.windows == ((time(8), time(12)), (time(13), time(17)))
    assert services.calendar_for(province["commune_a"]).windows[0][0] == time(7, 30)


@pytest.mark.django_db
def test_one_working_window_per_unit_and_one_province_default():
    WorkingWindow.objects.create(unit=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingWindow.objects.create(unit=None)


@pytest.mark.django_db
def test_working_window_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingWindow.objects.create(morning_start=time(12), morning_end=time(11))


def test_calendar_day_kinds_match_the_weekday():
    with pytest.raises(ValidationError, match="thứ Bảy hoặc Chủ nhật"):
        CalendarDay(date=date(2026, 3, 2), kind="makeup_workday", name="x").clean()
    with pytest.raises(ValidationError, match="nghỉ bù"):
        CalendarDay(date=date(2026, 4, 26), kind="holiday", name="Giỗ Tổ").clean()
    CalendarDay(date=date(2026, 8, 22), kind="makeup_workday", name="Làm bù").clean()


@pytest.mark.django_db
def test_admin_lists_the_calendar_in_vietnamese(admin_client):
    response = admin_client.get("/admin/workdays/calendarday/?nguon=chinh-thuc&date__year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tết Âm lịch (mùng 1)" in page
    assert "Thứ Ba" in page
    assert admin_client.get("/admin/workdays/workingwindow/add/").status_code == 200
