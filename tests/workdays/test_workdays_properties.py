"""Properties of the deadline arithmetic, on the official calendar and on random calendars."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays import deadlines as dl
from motcua.workdays.calendar import TZ, Calendar, build_calendar
from motcua.workdays.seed import official_days

OFFICIAL = build_calendar((d.date, d.kind) for d in official_days())
FIRST, LAST = date(2024, 1, 1), date(2026, 12, 31)

# Per test, not a global profile: other apps' tests keep their own settings. No example
# database either, so a test run leaves no .hypothesis/ directory behind.
checked = settings(deadline=None, max_examples=150, database=None)


@st.composite
def random_calendars(draw) -> Calendar:
    """Random days off (bridges of up to two weeks happen) and make-up weekend days."""
    days = st.dates(min_value=FIRST, max_value=LAST + timedelta(days=400))
    off = draw(st.frozensets(days, max_size=60))
    makeup = draw(st.frozensets(days.filter(lambda d: d.weekday() >= 5), max_size=10))
    four_moments = st.lists(st.integers(6 * 60, 19 * 60), min_size=4, max_size=4, unique=True)
    minutes = sorted(draw(four_moments))
    windows = tuple(
        (time(*divmod(minutes[i], 60)), time(*divmod(minutes[i + 1], 60))) for i in (0, 2)
    )
    return Calendar(days_off=off - makeup, makeup_days=makeup, windows=windows)


calendars = st.one_of(st.just(OFFICIAL), st.just(Calendar()), random_calendars())
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(TZ)
).map(lambda m: m.replace(second=0, microsecond=0))
counts = st.integers(min_value=1, max_value=60)


def on_closing_of_a_working_day(due: datetime, cal: Calendar) -> bool:
    return cal.is_working_day(due.date()) and due == cal.closing(due.date())


@checked
@given(calendars, moments, counts)
def test_working_days_due_is_the_close_of_a_working_day(cal, received, n):
    due = dl.due_working_days(received, n, cal)
    assert on_closing_of_a_working_day(due, cal)
    assert due > received
    assert due.utcoffset() == timedelta(hours=7)


@checked
@given(calendars, moments, counts)
def test_working_days_count_back_to_n(cal, received, n):
    due = dl.due_working_days(received, n, cal)
    first_counted = dl.effective_day(received, cal) + timedelta(days=1)
    assert dl.working_days_between(first_counted, due.date(), cal) == n


@checked
@given(calendars, moments, st.integers(min_value=0, max_value=60))
def test_working_days_strictly_increase_with_n(cal, received, n):
    for hour_mode in (False, True):
        shorter = dl.due_working_days(received, n, cal, hour_mode=hour_mode)
        longer = dl.due_working_days(received, n + 1, cal, hour_mode=hour_mode)
        assert longer > shorter


@checked
@given(calendars, moments, counts)
def test_hour_mode_is_n_days_of_working_time_and_never_later_than_day_mode(cal, received, n):
    due = dl.due_working_days(received, n, cal, hour_mode=True)
    assert cal.is_working_time(due)
    assert dl.working_time_between(received, due, cal) == n * cal.day_length
    assert due <= dl.due_working_days(received, n, cal)


@checked
@given(calendars, moments, counts)
def test_calendar_days_end_on_the_first_working_day_from_the_nth_day(cal, received, n):
    due = dl.due_calendar_days(received, n, cal)
    last = received.date() + timedelta(days=n)
    assert on_closing_of_a_working_day(due, cal)
    assert due.date() >= last
    skipped = [last + timedelta(days=k) for k in range((due.date() - last).days)]
    assert not any(cal.is_working_day(d) for d in skipped)


@checked
@given(calendars, moments, counts)
def test_calendar_days_increase_with_n(cal, received, n):
    assert dl.due_calendar_days(received, n + 1, cal) >= dl.due_calendar_days(received, n, cal)


@checked
@given(calendars, moments, st.integers(min_value=1, max_value=400))
def test_working_hours_add_exactly_that_working_time(cal, received, quarter_hours):
    hours = quarter_hours / 4
    due = dl.due_working_hours(received, hours, cal)
    assert cal.is_working_time(due)
    assert dl.working_time_between(received, due, cal) == timedelta(hours=hours)
    assert dl.due_working_hours(received, hours + 0.25, cal) > due


@checked
@given(calendars, moments, st.times(min_value=time(8), max_value=time(16)))
def test_same_day_is_the_close_of_the_effective_day(cal, received, cutoff):
    due = dl.due_same_day(received, cutoff, cal)
    assert on_closing_of_a_working_day(due, cal)
    assert due >= received
    in_time = cal.is_working_day(received.date()) and received.time() <= min(
        cutoff, cal.windows[-1][1]
    )
    expected = received.date() if in_time else cal.next_working_day(received.date())
    assert due.date() == expected


@checked
@given(calendars, moments, moments, moments)
def test_elapsed_working_time_is_additive(cal, a, b, c):
    ab = dl.working_time_between(a, b, cal)
    bc = dl.working_time_between(b, c, cal)
    assert ab + bc == dl.working_time_between(a, c, cal)
    assert dl.working_time_between(b, a, cal) == -ab
    assert (ab > timedelta()) <= (a < b)


def minutes_a_day(cal: Calendar) -> int:
    return sum((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in cal.windows)


@checked
@given(calendars, moments, st.data())
def test_add_then_measure_gives_back_the_amount(cal, start, data):
    # up to 400 working days of this calendar (a random one may work two minutes a day):
    # far beyond any legal time limit, well inside the calendar's ten-year range
    most = 400 * minutes_a_day(cal)
    amount = timedelta(minutes=data.draw(st.integers(min_value=0, max_value=most)))
    end = dl.add_working_time(start, amount, cal)
    assert end >= start
    assert dl.working_time_between(start, end, cal) == amount


@checked
@given(calendars, moments, counts, moments, st.integers(min_value=0, max_value=20 * 24 * 60))
def test_pause_shift_moves_due_by_the_paused_working_time(cal, received, n, paused, minutes):
    due = dl.due_working_days(received, n, cal)
    resumed = paused + timedelta(minutes=minutes)
    shifted = dl.shift_for_pause(due, paused, resumed, cal)
    assert shifted >= due
    paused_time = dl.working_time_between(paused, resumed, cal)
    assert dl.working_time_between(due, shifted, cal) == paused_time


@checked
@given(calendars, moments, counts, moments)
def test_zero_length_pause_does_not_move_due(cal, received, n, paused):
    due = dl.due_working_days(received, n, cal)
    assert dl.shift_for_pause(due, paused, paused, cal) == due


@checked
@given(calendars, st.dates(min_value=FIRST, max_value=LAST), st.integers(0, 60))
def test_add_working_days_lands_on_the_nth_working_day(cal, start, n):
    end = dl.add_working_days(start, n, cal)
    assert dl.working_days_between(start + timedelta(days=1), end, cal) == n
    assert n == 0 or cal.is_working_day(end)


@checked
@given(
    calendars,
    st.dates(min_value=FIRST, max_value=LAST),
    st.dates(min_value=FIRST, max_value=LAST),
    st.dates(min_value=FIRST, max_value=LAST),
)
def test_working_day_counts_split_at_any_day(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    whole = dl.working_days_between(a, c, cal)
    assert whole == dl.working_days_between(a, b, cal) + dl.working_days_between(
        b + timedelta(days=1), c, cal
    )


@checked
@given(calendars, moments, counts, moments)
def test_urgency_agrees_with_remaining_time(cal, received, n, now):
    due = dl.due_working_days(received, n, cal)
    level = dl.urgency(now, due, cal)
    assert (level is dl.Urgency.OVERDUE) == (now > due)
    if dl.remaining_working_time(now, due, cal) > 2 * cal.day_length:
        assert level is dl.Urgency.ON_TIME
