"""Deadline arithmetic (domain.md §1.5, §7.4, R-TIME-1..5): pure functions over a Calendar.

Nothing here touches the database or the clock; callers pass ``now`` and the ``Calendar``
(``services.calendar_for(unit)``). Every returned moment is aware, in Asia/Ho_Chi_Minh.

**End of a day.** A limit "ends at the end of day D" (R-TIME-1; BLDS 148). We represent that
moment as the close of D's last working window — 17:00 with the default windows — for every
unit counted in days (ngày làm việc, ngày, trong ngày):

- the appointment on Mẫu 01 is an hour and minute at the desk, and the desk only returns
  results inside its working hours (provincial systems print "17 giờ 00");
- no working time lies between the close and 24:00, so remaining/elapsed working time, pause
  shifts and urgency are the same as with 24:00, and the day-mode and hour-mode results of
  a full number of days meet at the same instant (``8N`` hours from an opening end at a
  closing).

The one visible difference: a result signed at 18:00 on the last day of a calendar-day limit
compares as after ``due``. Callers who must honour BLDS 148's 24:00 literally compare local
dates for day-counted limits (``due_date_passed``).

**Counting rules** (R-TIME-1):

- WORKING_DAY, day mode (default): the *effective day* is the day of receipt if it is a
  working day and the dossier came in by the afternoon close; otherwise the next working day.
  It is not counted (BLDS 147); due = close of the N-th working day after it (E1, E2, E6).
- WORKING_DAY, hour mode (R-TIME-3): N × (working time of one day) from the receipt instant;
  fractional limits (0,5 ngày = 4 giờ) always go this way.
- DAY: received date + N calendar days, holidays inside not skipped; a last day that is not a
  working day moves to the close of the next working day (BLDS 148(5); E4, E5).
- WORKING_HOUR: N hours inside the working windows from the receipt instant (BLDS 147(1)).
- SAME_DAY: close of the day of receipt; after the procedure's cut-off (usually 15:00) or on a
  day off, close of the next working day (E3).
- Pauses (R-TIME-4): ``due`` moves forward by the working time that elapsed while paused (E7).
"""

import enum
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from motcua.core.errors import DomainError

from .calendar import Calendar, local

WORKING_DAY, DAY, WORKING_HOUR, SAME_DAY = "WORKING_DAY", "DAY", "WORKING_HOUR", "SAME_DAY"
TIME_UNITS = (WORKING_DAY, DAY, WORKING_HOUR, SAME_DAY)
UNIT_LABELS = {
    WORKING_DAY: "ngày làm việc",
    DAY: "ngày",
    WORKING_HOUR: "giờ làm việc",
    SAME_DAY: "trong ngày làm việc",
}
DEFAULT_CUTOFF = time(15, 0)

# Published limits stay far below these (the longest are a few months); anything above is a
# typing error (100000 instead of 10) that would otherwise walk the calendar for years.
MAX_LIMITS = {WORKING_DAY: Decimal(365), DAY: Decimal(730), WORKING_HOUR: Decimal(2920)}

ZERO = timedelta()


# --- limits -------------------------------------------------------------------------------


def check_limit(value, unit: str, *, field: str | None = None) -> Decimal:
    """The limit as a Decimal, or a DomainError (stable code, Vietnamese message)."""
    if unit not in TIME_UNITS:
        raise DomainError(
            f"Đơn vị thời hạn “{unit}” không hợp lệ; dùng một trong: {', '.join(TIME_UNITS)}.",
            code="time_unit_unknown",
            field=field,
        )
    if unit == SAME_DAY:
        return Decimal(0)
    number = _decimal(value, field)
    label = UNIT_LABELS[unit]
    if number <= 0:
        raise DomainError(
            f"Thời hạn giải quyết phải lớn hơn 0 {label} (nhận được {_vn_number(number)}).",
            code="time_limit_not_positive",
            field=field,
        )
    if number > MAX_LIMITS[unit]:
        raise DomainError(
            f"Thời hạn {_vn_number(number)} {label} vượt quá mức tối đa "
            f"{_vn_number(MAX_LIMITS[unit])} {label}; hãy kiểm tra lại số liệu.",
            code="time_limit_too_large",
            field=field,
        )
    if unit == DAY and number != number.to_integral_value():
        raise DomainError(
            "Thời hạn tính theo ngày (ngày lịch) phải là số nguyên.",
            code="time_limit_fraction",
            field=field,
        )
    return number


def limit_label(value, unit: str) -> str:
    """The limit as people read it: 5 ngày làm việc, 0,5 ngày làm việc, Trong ngày làm việc."""
    if unit == SAME_DAY:
        return "Trong ngày làm việc"
    return f"{_vn_number(Decimal(value))} {UNIT_LABELS[unit]}"


def _decimal(value, field: str | None) -> Decimal:
    try:
        if isinstance(value, bool):
            raise TypeError
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise DomainError(
            f"Thời hạn “{value}” không phải là một số.", code="time_limit_invalid", field=field
        )
    return number


def _vn_number(number: Decimal) -> str:
    """Vietnamese writes a decimal comma: 0,5."""
    return f"{number.normalize():f}".replace(".", ",")


# --- the dispatcher the dossier engine calls ------------------------------------------------


def due_for(
    received_at: datetime,
    value,
    unit: str,
    cal: Calendar,
    cutoff: time | None = None,
    *,
    hour_mode: bool = False,
) -> datetime:
    """R-TIME-1: the due moment of a limit of ``value`` ``unit`` received at ``received_at``.

    ``unit`` is the catalog's TimeUnit ("WORKING_DAY" | "DAY" | "WORKING_HOUR" | "SAME_DAY");
    ``cutoff`` only matters for SAME_DAY; ``hour_mode`` only for whole WORKING_DAY limits.
    """
    number = check_limit(value, unit)
    if unit == SAME_DAY:
        return due_same_day(received_at, cutoff, cal)
    if unit == WORKING_HOUR:
        return due_working_hours(received_at, number, cal)
    if unit == DAY:
        return due_calendar_days(received_at, int(number), cal)
    if number == number.to_integral_value():
        return due_working_days(received_at, int(number), cal, hour_mode=hour_mode)
    return add_working_time(received_at, scale(cal.day_length, number), cal)


# --- days ---------------------------------------------------------------------------------


def effective_day(received_at: datetime, cal: Calendar) -> date:
    """The day working days are counted from (itself not counted).

    A dossier received on a working day up to the afternoon close belongs to that day; one
    received after the close or on a day off belongs to the next working day, as a paper
    dossier left at the desk would be handled the next morning (domain.md §1.5.5).
    """
    moment = local(received_at)
    day = moment.date()
    if cal.is_working_day(day) and moment <= cal.closing(day):
        return day
    return cal.next_working_day(day)


def add_working_days(day: date, n: int, cal: Calendar) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted; n = 0 → ``day``)."""
    _require_non_negative(n)
    for _ in range(n):
        day = cal.next_working_day(day)
    return day


def due_working_days(
    received_at: datetime, n: int, cal: Calendar, *, hour_mode: bool = False
) -> datetime:
    """N ngày làm việc: close of the N-th working day after the effective day (E1, E2, E6).

    ``hour_mode`` (R-TIME-3): N working days of working time from the receipt instant.
    """
    _require_non_negative(n)
    if hour_mode:
        return add_working_time(received_at, n * cal.day_length, cal)
    return cal.closing(add_working_days(effective_day(received_at, cal), n, cal))


def due_calendar_days(received_at: datetime, n: int, cal: Calendar) -> datetime:
    """N ngày (BLDS 147-148): the receipt day is not counted; a last day off moves to the
    close of the next working day (E4); days off inside the period still count (E5)."""
    _require_non_negative(n)
    moment = local(received_at)
    last = cal.working_day_on_or_after(moment.date() + timedelta(days=n))
    if cal.closing(last) < moment:  # only with n = 0 after the close: never before receipt
        last = cal.next_working_day(last)
    return cal.closing(last)


def due_same_day(received_at: datetime, cutoff: time | None, cal: Calendar) -> datetime:
    """Trong ngày: close of the day of receipt; after ``cutoff`` (default 15:00) or on a day
    off, close of the next working day (E3). The cut-off is per procedure (domain.md §1.5.4)."""
    moment = local(received_at)
    day = moment.date()
    last_call = min(cutoff or DEFAULT_CUTOFF, cal.windows[-1][1])
    if not (cal.is_working_day(day) and moment.time() <= last_call):
        day = cal.next_working_day(day)
    return cal.closing(day)


def working_days_between(from_date: date, to_date: date, cal: Calendar) -> int:
    """How many working days lie in [from_date, to_date], both included (0 if reversed)."""
    span = (to_date - from_date).days + 1
    return sum(1 for i in range(max(span, 0)) if cal.is_working_day(from_date + timedelta(i)))


# --- working time -------------------------------------------------------------------------


def due_working_hours(received_at: datetime, hours, cal: Calendar) -> datetime:
    """N giờ làm việc, counted inside the working windows from the receipt instant."""
    return add_working_time(received_at, scale(timedelta(hours=1), Decimal(str(hours))), cal)


def add_working_time(start: datetime, amount: timedelta, cal: Calendar) -> datetime:
    """The moment when ``amount`` of working time has elapsed after ``start``.

    An amount that exactly fills a window ends at that window's close, not at the next
    opening, so "8 hours from 07:00" is 17:00 the same day. A zero amount returns ``start``
    unchanged, which keeps a zero-length pause from moving a deadline.
    """
    if amount < ZERO:
        raise ValueError("Thời lượng cộng thêm không được âm.")
    moment = local(start)
    if amount == ZERO:
        return moment
    remaining = amount
    for window_start, window_end in cal.windows_from(moment):
        begin = max(window_start, moment)
        if remaining <= window_end - begin:
            return begin + remaining
        remaining -= window_end - begin
    raise AssertionError("windows_from is bounded by raising, never by running out")


def working_time_between(a: datetime, b: datetime, cal: Calendar) -> timedelta:
    """Working time elapsed from ``a`` to ``b``; negative when ``b`` is before ``a``, so that
    elapsed(a, b) + elapsed(b, c) == elapsed(a, c) for any order."""
    a, b = local(a), local(b)
    if b < a:
        return -working_time_between(b, a, cal)
    total = ZERO
    day = a.date()
    while day <= b.date():
        for window_start, window_end in cal.windows_on(day):
            total += max(ZERO, min(window_end, b) - max(window_start, a))
        day += timedelta(days=1)
    return total


def shift_for_pause(
    due: datetime, paused_from: datetime, paused_to: datetime, cal: Calendar
) -> datetime:
    """R-TIME-4: ``due`` moved forward by the working time elapsed while the clock was paused
    (yêu cầu bổ sung → hoàn thành bổ sung, or waiting for payment) — E7."""
    if paused_to < paused_from:
        raise ValueError("Thời điểm kết thúc tạm dừng phải sau thời điểm bắt đầu.")
    return add_working_time(due, working_time_between(paused_from, paused_to, cal), cal)


def scale(unit: timedelta, factor: Decimal) -> timedelta:
    """``unit`` × ``factor`` exactly to the microsecond (timedelta refuses Decimals)."""
    micros = Decimal(unit // timedelta(microseconds=1)) * factor
    return timedelta(microseconds=int(micros.to_integral_value()))


def _require_non_negative(n: int) -> None:
    if n < 0:
        raise ValueError("Số ngày không được âm.")


# --- urgency (inbox colours, apology rule) -----------------------------------------------


class Urgency(enum.StrEnum):
    """Trong hạn / sắp đến hạn / quá hạn (domain.md §1.5.8)."""

    ON_TIME = "ON_TIME"
    DUE_SOON = "DUE_SOON"
    OVERDUE = "OVERDUE"

    @property
    def label(self) -> str:
        return {"ON_TIME": "Trong hạn", "DUE_SOON": "Sắp đến hạn", "OVERDUE": "Quá hạn"}[self]


def remaining_working_time(now: datetime, due: datetime, cal: Calendar) -> timedelta:
    """Working time left until ``due``; negative once overdue (by the working time past it)."""
    return working_time_between(now, due, cal)


def apology_day(due: datetime, cal: Calendar) -> date:
    """The last day to notify the desk and send the apology (Mẫu 04): the working day before
    the due day — "chậm nhất 01 ngày trước ngày hết hạn" (domain.md §1.5.7, E8)."""
    return cal.previous_working_day(local(due).date())


def is_due_soon(now: datetime, due: datetime, cal: Calendar) -> bool:
    """Not yet due, and at most one working day before the due day (from the apology day on)."""
    return local(now) <= local(due) and local(now).date() >= apology_day(due, cal)


def urgency(now: datetime, due: datetime, cal: Calendar) -> Urgency:
    if local(now) > local(due):
        return Urgency.OVERDUE
    return Urgency.DUE_SOON if is_due_soon(now, due, cal) else Urgency.ON_TIME


def due_date_passed(finished_at: datetime, due: datetime) -> bool:
    """Late by calendar date: BLDS 148's "24:00 of the last day" reading for day limits."""
    return local(finished_at).date() > local(due).date()


def appointment_text(due: datetime) -> str:
    """The appointment as Mẫu 01 writes it: "17 giờ 00 phút, ngày 26 tháng 02 năm 2026"."""
    moment = local(due)
    return (
        f"{moment.hour:02d} giờ {moment.minute:02d} phút, "
        f"ngày {moment.day:02d} tháng {moment.month:02d} năm {moment.year}"
    )
