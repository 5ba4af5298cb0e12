"""``Calendar``: which days are worked and when, as an immutable value. No database here.

A day is a working day iff it is Monday-Friday and not a day off (holiday, nghỉ bù, swapped
day off), or it is a make-up working day (làm bù, usually a Saturday) — holidays.md §5,
R-TIME-2. Inside a working day, work happens in the windows (default 07:00-11:30 and
13:30-17:00, domain.md §1.5.5).

Every moment handled here is an aware datetime in Asia/Ho_Chi_Minh (UTC+7 since 1975, no
daylight saving), so adding a timedelta to a local moment is exact.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY, SUNDAY = 5, 6
ONE_DAY = timedelta(days=1)

# How far a walk over the calendar may go before we call the input absurd: no published time
# limit comes near ten years, and a bounded loop cannot hang a request.
MAX_WALK_DAYS = 3660

# Kinds of calendar rows (holidays.md §3). Weekend days inside a break are implicit, and so is a
# statutory day falling on a weekend: only its compensatory weekday is listed.
HOLIDAY, COMPENSATORY, SWAP_OFF, MAKEUP_WORKDAY = (
    "holiday",
    "compensatory",
    "swap_off",
    "makeup_workday",
)
DAY_KINDS = (HOLIDAY, COMPENSATORY, SWAP_OFF, MAKEUP_WORKDAY)
OFF_KINDS = frozenset({HOLIDAY, COMPENSATORY, SWAP_OFF})

Window = tuple[time, time]
DEFAULT_WINDOWS: tuple[Window, ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))


def local(moment: datetime) -> datetime:
    """``moment`` in Vietnam's time zone; naive datetimes are refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Thời điểm phải kèm múi giờ (ví dụ 2026-02-12T10:00:00+07:00).")
    return moment.astimezone(TZ)


def check_windows(windows: tuple[Window, ...]) -> None:
    """Windows must be non-empty, ordered and not overlapping, within one day."""
    if not windows:
        raise ValueError("Cần ít nhất một khung giờ làm việc.")
    previous_end = time.min
    for start, end in windows:
        if not (previous_end <= start < end):
            raise ValueError("Khung giờ làm việc phải theo thứ tự và không chồng lên nhau.")
        previous_end = end


@dataclass(frozen=True)
class Calendar:
    """The province's calendar as seen by one unit (its working windows)."""

    days_off: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    name: str = field(default="", compare=False)

    def __post_init__(self):
        check_windows(self.windows)

    # --- days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() < SATURDAY and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for offset in range(1, MAX_WALK_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("Không tìm thấy ngày làm việc nào trong lịch.")

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        for offset in range(1, MAX_WALK_DAYS + 1):
            candidate = day - timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("Không tìm thấy ngày làm việc nào trong lịch.")

    # --- hours ------------------------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day (8 hours with the default windows)."""
        return sum((_span(start, end) for start, end in self.windows), timedelta())

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.windows[0][0], TZ)

    def closing(self, day: date) -> datetime:
        """The end of ``day`` for the one-stop desk: the close of its last window."""
        return datetime.combine(day, self.windows[-1][1], TZ)

    def windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working windows of ``day`` as local moments (none on a day off)."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, s, TZ), datetime.combine(day, e, TZ)) for s, e in self.windows
        ]

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows that end after ``moment``, in order, for at most MAX_WALK_DAYS."""
        moment = local(moment)
        day = moment.date()
        for _ in range(MAX_WALK_DAYS):
            for start, end in self.windows_on(day):
                if end > moment:
                    yield start, end
            day += ONE_DAY
        raise ValueError("Thời hạn vượt quá phạm vi lịch làm việc (10 năm).")

    def is_working_time(self, moment: datetime) -> bool:
        moment = local(moment)
        return any(start <= moment <= end for start, end in self.windows_on(moment.date()))


def build_calendar(
    days: Iterable[tuple[date, str]], windows: tuple[Window, ...] = DEFAULT_WINDOWS, name: str = ""
) -> Calendar:
    """A Calendar from (date, kind) rows; later rows for the same date win."""
    kinds = dict(days)
    unknown = set(kinds.values()) - set(DAY_KINDS)
    if unknown:
        raise ValueError(f"Loại ngày không hợp lệ: {', '.join(sorted(unknown))}.")
    return Calendar(
        days_off=frozenset(d for d, kind in kinds.items() if kind in OFF_KINDS),
        makeup_days=frozenset(d for d, kind in kinds.items() if kind == MAKEUP_WORKDAY),
        windows=tuple(windows),
        name=name,
    )


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)
