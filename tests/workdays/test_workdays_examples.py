"""The worked examples E1–E8 of domain.md §9.4, on the official calendar of holidays.md §3.

Pure: the calendar is built from the seed CSV, no database. The last test runs the same
examples through ``services.calendar_for`` to show the seeded table gives the same answers.
"""

from datetime import date, datetime, time, timedelta

import pytest

from motcua.workdays import deadlines as dl
from motcua.workdays.calendar import TZ, build_calendar
from motcua.workdays.seed import official_days

CAL = build_calendar((d.date, d.kind) for d in official_days())


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def closing(y, m, d) -> datetime:
    return at(y, m, d, 17, 0)


def test_e1_tet_2026_working_days_day_mode():
    received = at(2026, 2, 12, 10)
    assert dl.due_working_days(received, 5, CAL) == closing(2026, 2, 26)
    assert dl.due_for(received, 5, "WORKING_DAY", CAL) == closing(2026, 2, 26)
    counted = [dl.add_working_days(date(2026, 2, 12), k, CAL) for k in range(1, 6)]
    assert counted == [date(2026, 2, d) for d in (13, 23, 24, 25, 26)]


def test_e1_tet_2026_working_days_hour_mode():
    received = at(2026, 2, 12, 10)
    assert dl.due_working_days(received, 5, CAL, hour_mode=True) == at(2026, 2, 26, 10)
    assert dl.due_for(received, 5, "WORKING_DAY", CAL, hour_mode=True) == at(2026, 2, 26, 10)


def test_e2_tet_2025():
    assert dl.due_working_days(at(2025, 1, 24, 9), 3, CAL) == closing(2025, 2, 5)


def test_e3_same_day_after_cutoff_before_tet():
    received = at(2026, 2, 13, 16)
    assert dl.due_same_day(received, time(15), CAL) == closing(2026, 2, 23)
    assert dl.due_for(received, 0, "SAME_DAY", CAL, time(15)) == closing(2026, 2, 23)


def test_e3_counterpart_before_cutoff_is_the_same_day():
    assert dl.due_same_day(at(2026, 2, 13, 14, 59), time(15), CAL) == closing(2026, 2, 13)
    assert dl.due_same_day(at(2026, 2, 13, 15, 0), time(15), CAL) == closing(2026, 2, 13)


def test_e4_calendar_days_ending_in_tet():
    assert dl.due_calendar_days(at(2026, 2, 6), 10, CAL) == closing(2026, 2, 23)


def test_e5_calendar_days_do_not_skip_tet():
    assert dl.due_calendar_days(at(2026, 2, 10), 15, CAL) == closing(2026, 2, 25)
    assert dl.due_for(at(2026, 2, 10), 15, "DAY", CAL) == closing(2026, 2, 25)


def test_e6_makeup_saturday_2026():
    assert CAL.is_working_day(date(2026, 8, 22))
    assert dl.due_working_days(at(2026, 8, 20), 3, CAL) == closing(2026, 8, 24)


def test_e6_makeup_saturday_2025():
    assert dl.due_working_days(at(2025, 4, 25), 2, CAL) == closing(2025, 4, 28)


def test_e7_supplement_pause():
    received = at(2026, 3, 2, 9)
    due = dl.due_working_days(received, 10, CAL)
    assert due == closing(2026, 3, 16)
    # Requested at the close of Thu 05/03 (3 working days used), completed at the close of
    # Thu 12/03: the 5 working days in between are paused.
    requested, completed = closing(2026, 3, 5), closing(2026, 3, 12)
    # The day of receipt is not counted: days used run from its close.
    assert dl.working_time_between(closing(2026, 3, 2), requested, CAL) == 3 * CAL.day_length
    assert dl.working_time_between(requested, completed, CAL) == 5 * CAL.day_length
    assert dl.shift_for_pause(due, requested, completed, CAL) == closing(2026, 3, 23)
    # "7 working days remain": counted from the completion, the same day.
    assert dl.add_working_days(date(2026, 3, 12), 7, CAL) == date(2026, 3, 23)


def test_e7_pause_at_the_same_hour_gives_the_same_shift():
    due = closing(2026, 3, 16)
    shifted = dl.shift_for_pause(due, at(2026, 3, 5, 10), at(2026, 3, 12, 10), CAL)
    assert shifted == closing(2026, 3, 23)


def test_e8_apology_due_one_working_day_before():
    due = closing(2026, 3, 16)
    assert dl.apology_day(due, CAL) == date(2026, 3, 13)
    assert not dl.is_due_soon(at(2026, 3, 12, 16), due, CAL)
    assert dl.is_due_soon(at(2026, 3, 13, 8), due, CAL)
    assert dl.is_due_soon(at(2026, 3, 14, 8), due, CAL)  # a Saturday: still the last stretch
    assert dl.urgency(at(2026, 3, 12, 16), due, CAL) is dl.Urgency.ON_TIME
    assert dl.urgency(at(2026, 3, 13, 8), due, CAL) is dl.Urgency.DUE_SOON
    assert dl.urgency(at(2026, 3, 17, 8), due, CAL) is dl.Urgency.OVERDUE
    assert dl.Urgency.OVERDUE.label == "Quá hạn"
    # Resolved after the due date stays late (766 compares with the original NgayHenTra).
    assert dl.remaining_working_time(at(2026, 3, 17, 8), due, CAL) == -timedelta(hours=1)
    assert dl.due_date_passed(at(2026, 3, 17, 8), due)
    assert not dl.due_date_passed(at(2026, 3, 16, 18), due)


EXAMPLES = [
    ("E1", at(2026, 2, 12, 10), 5, "WORKING_DAY", closing(2026, 2, 26)),
    ("E2", at(2025, 1, 24, 9), 3, "WORKING_DAY", closing(2025, 2, 5)),
    ("E3", at(2026, 2, 13, 16), 0, "SAME_DAY", closing(2026, 2, 23)),
    ("E4", at(2026, 2, 6), 10, "DAY", closing(2026, 2, 23)),
    ("E5", at(2026, 2, 10), 15, "DAY", closing(2026, 2, 25)),
    ("E6", at(2026, 8, 20), 3, "WORKING_DAY", closing(2026, 8, 24)),
    ("E6-2025", at(2025, 4, 25), 2, "WORKING_DAY", closing(2025, 4, 28)),
    ("E7", at(2026, 3, 2), 10, "WORKING_DAY", closing(2026, 3, 16)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "received", "value", "unit", "due"), EXAMPLES)
def test_examples_on_the_seeded_database_calendar(name, received, value, unit, due):
    from motcua.workdays import services

    services.invalidate()
    assert dl.due_for(received, value, unit, services.calendar_for()) == due, name
