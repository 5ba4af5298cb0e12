"""Reporting periods: a month, a quarter, a year or any range of days, in Vietnam's time.

A period is judged at ``judged_at(now)``: its end (00:00 of the day after its last day), or
now while it is not over — the moment dossiers still open are evaluated at (domain.md §3.2).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.workdays.calendar import TZ, local

EPOCH = date(2000, 1, 1)  # before any dossier an installation can hold
MAX_DAYS = 366 * 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    kind: str = "range"  # month | quarter | year | range

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), TZ)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def judged_at(self, now: datetime | None = None) -> datetime:
        now = local(now or timezone.now())
        return min(self.end, now)

    def is_future(self, now: datetime | None = None) -> bool:
        return self.start > local(now or timezone.now())

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.first.month:02d}/{self.first.year}"
        if self.kind == "quarter":
            return f"Quý {roman((self.first.month - 1) // 3 + 1)} năm {self.first.year}"
        if self.kind == "year":
            return f"Năm {self.first.year}"
        return f"Từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def previous(self) -> "Period":
        """The period before, of the same kind (the comparison column of a report)."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return month(last.year, last.month)
        if self.kind == "quarter":
            last = self.first - timedelta(days=1)
            return quarter(last.year, (last.month - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.first.year - 1)
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def roman(n: int) -> str:
    return ["I", "II", "III", "IV"][n - 1]


def month(y: int, m: int) -> Period:
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return Period(first, nxt - timedelta(days=1), "month")


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * (q - 1) + 1, 1)
    last = month(y, 3 * q).last
    return Period(first, last, "quarter")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def classify(first: date, last: date) -> Period:
    """A range that is exactly a month, quarter or year is labelled as such."""
    if first.day == 1 and first.month == 1 and last == date(first.year, 12, 31):
        return year(first.year)
    if first.day == 1 and (first.month - 1) % 3 == 0:
        q = quarter(first.year, (first.month - 1) // 3 + 1)
        if q.last == last:
            return q
    if first.day == 1 and month(first.year, first.month).last == last:
        return month(first.year, first.month)
    return Period(first, last)


_CODE = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{1,2})))?$", re.IGNORECASE)


def from_code(code: str) -> Period:
    """ "2026" | "2026-Q1" | "2026-03"."""
    match = _CODE.match(code.strip())
    if not match:
        raise DomainError(
            f"Kỳ «{code}» không hợp lệ; dùng dạng 2026, 2026-Q1 hoặc 2026-03.",
            code="invalid_period",
            field="period",
        )
    y, q, m = int(match[1]), match[2], match[3]
    if q:
        return quarter(y, int(q))
    if m:
        if not 1 <= int(m) <= 12:
            raise DomainError("Tháng phải từ 1 đến 12.", code="invalid_period", field="period")
        return month(y, int(m))
    return year(y)


def _date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            f"Ngày «{value}» không hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2026-03-31.",
            code="invalid_date",
            field=field,
        ) from None


def parse(first=None, last=None, code: str | None = None, *, now: datetime | None = None) -> Period:
    """The period asked for: ``code``, or ``first``/``last`` (both inclusive); without
    either, the current month. An inverted range is an error, never an empty answer."""
    if code:
        return from_code(code)
    today = local(now or timezone.now()).date()
    if not first and not last:
        return month(today.year, today.month)
    first = _date(first, "from") if first else date(today.year, 1, 1)
    last = _date(last, "to") if last else today
    if last < first:
        raise DomainError(
            f"Khoảng thời gian không hợp lệ: ngày kết thúc ({last:%d/%m/%Y}) trước ngày bắt đầu "
            f"({first:%d/%m/%Y}).",
            code="date_range_reversed",
            field="to",
        )
    if (last - first).days > MAX_DAYS or first < EPOCH:
        raise DomainError(
            "Khoảng thời gian quá dài (tối đa 30 năm, từ năm 2000).",
            code="date_range_too_long",
            field="from",
        )
    return classify(first, last)


def pieces(first: date, last: date, coarsest: str = "Y") -> tuple[list, list, list]:
    """Split [first, last] into whole years, whole months and the remaining day ranges.

    ``coarsest`` limits the grain ("M": no years, "D": days only), for series whose buckets
    are finer than a year.
    """
    years: list[date] = []
    months: list[date] = []
    days: list[tuple[date, date]] = []
    cur = first
    while cur <= last:
        if coarsest == "Y" and cur.month == 1 and cur.day == 1 and date(cur.year, 12, 31) <= last:
            years.append(cur)
            cur = date(cur.year + 1, 1, 1)
            continue
        if coarsest in ("Y", "M") and cur.day == 1 and month(cur.year, cur.month).last <= last:
            months.append(cur)
            cur = month(cur.year, cur.month).last + timedelta(days=1)
            continue
        # a run of days up to the next month start (or ``last``)
        stop = min(last, month(cur.year, cur.month).last)
        if days and days[-1][1] + timedelta(days=1) == cur:
            days[-1] = (days[-1][0], stop)
        else:
            days.append((cur, stop))
        cur = stop + timedelta(days=1)
    return years, months, days
