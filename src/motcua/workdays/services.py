"""The calendar from the database, and the deadline questions the API and the CLI ask.

``calendar_for(unit)`` is what the dossier engine calls before the pure functions of
``deadlines``. It is cached per process: a save or delete of a calendar row or working
window clears this process's cache at once, and other worker processes rebuild within
CACHE_SECONDS (a calendar edit is a rare, planned act, announced weeks ahead).
"""

import threading
import time as clock
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction

from motcua.core.errors import DomainError, NotFound

from . import deadlines as dl
from .calendar import DEFAULT_WINDOWS, MAX_WALK_DAYS, TZ, Calendar, build_calendar
from .seed import LIBRARY_SOURCE, library_days, official_years, seed_days

CACHE_SECONDS = 60
# Years for which python-holidays fills in when the table has no row at all. Outside them
# only weekends are days off; no dossier deadline reaches that far.
FALLBACK_YEARS = range(2015, 2041)
SEED_YEARS = range(2020, 2031)

_cache: dict[str, tuple[float, Calendar]] = {}
_lock = threading.Lock()


# --- the calendar -------------------------------------------------------------------------


def calendar_for(unit=None) -> Calendar:
    """The province's calendar with ``unit``'s working windows (None: the province default)."""
    key = unit.path if unit is not None else ""
    now = clock.monotonic()
    hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    calendar = build_calendar(_day_rows(), _windows_for(unit), unit.name if unit else "")
    with _lock:
        _cache[key] = (now, calendar)
    return calendar


def invalidate(**_signal_kwargs) -> None:
    """Forget the cached calendars (connected to the models' save and delete signals)."""
    with _lock:
        _cache.clear()


def _day_rows() -> list[tuple[date, str]]:
    from .models import CalendarDay

    rows = list(CalendarDay.objects.values_list("date", "kind"))
    stored_years = {d.year for d, _ in rows}
    for year in FALLBACK_YEARS:
        if year not in stored_years:
            rows += [(d.date, d.kind) for d in library_days(year)]
    return rows


def _windows_for(unit) -> tuple:
    """The nearest window up the unit tree, then the province default, then 07:00–17:00."""
    from .models import WorkingWindow

    ids = [int(i) for i in unit.path.strip("/").split("/") if i] if unit is not None else []
    found = {w.unit_id: w for w in WorkingWindow.objects.filter(unit__isnull=True)}
    if ids:
        found.update({w.unit_id: w for w in WorkingWindow.objects.filter(unit_id__in=ids)})
    for owner in [*reversed(ids), None]:
        if owner in found:
            return found[owner].windows
    return DEFAULT_WINDOWS


# --- seeding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    year: int
    action: str  # "created" | "replaced" | "kept"
    rows: int

    @property
    def message(self) -> str:
        verb = {"created": "đã nạp", "replaced": "đã thay ngày dự kiến bằng", "kept": "giữ nguyên"}
        return f"Năm {self.year}: {verb[self.action]} {self.rows} ngày."


@transaction.atomic
def seed_calendar(years: Iterable[int] = SEED_YEARS, *, model=None) -> list[SeedResult]:
    """Load the seed rows, one year at a time, without ever overwriting a province's work.

    - a year with no rows is loaded (official CSV where it covers the year, else the library);
    - a year holding only library projections is replaced when the CSV now covers it;
    - any other year is kept as it is, so running this again changes nothing.

    ``model`` lets the data migration pass its historical model.
    """
    if model is None:
        from .models import CalendarDay

        model = CalendarDay
    wanted = defaultdict(list)
    for row in seed_days(years):
        wanted[row.date.year].append(row)
    sources = defaultdict(set)
    for day, source in model.objects.filter(date__year__in=list(wanted)).values_list(
        "date", "source"
    ):
        sources[day.year].add(source)
    results = [_seed_year(model, year, rows, sources[year]) for year, rows in wanted.items()]
    invalidate()
    return results


def _seed_year(model, year: int, rows: list, sources: set[str]) -> SeedResult:
    if sources and (sources != {LIBRARY_SOURCE} or year not in official_years()):
        return SeedResult(year, "kept", model.objects.filter(date__year=year).count())
    action = "replaced" if sources else "created"
    model.objects.filter(date__year=year).delete()
    model.objects.bulk_create(
        model(date=r.date, kind=r.kind, name=r.name[:200], source=r.source[:300]) for r in rows
    )
    return SeedResult(year, action, len(rows))


# --- questions from the API and the command line ------------------------------------------


@dataclass(frozen=True)
class DeadlineAnswer:
    start: datetime
    due: datetime
    value: Decimal | None  # None for SAME_DAY, which has no count
    unit: str
    hour_mode: bool
    cutoff: time | None

    @property
    def label(self) -> str:
        return dl.limit_label(self.value or 0, self.unit)

    @property
    def appointment(self) -> str:
        return dl.appointment_text(self.due)


def deadline(
    start: datetime,
    *,
    working_days=None,
    days=None,
    working_hours=None,
    same_day: bool = False,
    cutoff: time | None = None,
    hour_mode: bool = False,
    unit_code: str | None = None,
) -> DeadlineAnswer:
    """Exactly one kind of limit, checked, then ``deadlines.due_for`` on the unit's calendar.

    A start without a time zone is read as Vietnam time (what a clerk types).
    """
    unit, value, field = _one_limit(working_days, days, working_hours, same_day)
    number = dl.check_limit(value, unit, field=field)
    if start.tzinfo is None:
        start = start.replace(tzinfo=TZ)
    cutoff = (cutoff or dl.DEFAULT_CUTOFF) if unit == dl.SAME_DAY else None
    calendar = calendar_for(_unit(unit_code))
    due = dl.due_for(start, number, unit, calendar, cutoff, hour_mode=hour_mode)
    value = None if unit == dl.SAME_DAY else number
    hour_mode = hour_mode and unit == dl.WORKING_DAY
    return DeadlineAnswer(start.astimezone(TZ), due, value, unit, hour_mode, cutoff)


def _one_limit(working_days, days, working_hours, same_day):
    given = [
        (unit, value, field)
        for unit, value, field in [
            (dl.WORKING_DAY, working_days, "working_days"),
            (dl.DAY, days, "days"),
            (dl.WORKING_HOUR, working_hours, "working_hours"),
            (dl.SAME_DAY, True if same_day else None, "same_day"),
        ]
        if value is not None
    ]
    if not given:
        raise DomainError(
            "Cần cho biết thời hạn: working_days (ngày làm việc), days (ngày), working_hours "
            "(giờ làm việc) hoặc same_day=true (trong ngày).",
            code="time_limit_missing",
        )
    if len(given) > 1:
        raise DomainError(
            "Chỉ được cho một loại thời hạn; nhận được cùng lúc: "
            f"{', '.join(field for _, _, field in given)}.",
            code="time_limit_ambiguous",
            field=given[1][2],
        )
    return given[0]


def _unit(code: str | None):
    if not code:
        return None
    from motcua.agencies.models import Unit

    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"Không tìm thấy cơ quan, đơn vị có mã {code}.", field="unit")
    return unit


def count_working_days(from_date: date, to_date: date, unit_code: str | None = None) -> int:
    """Working days in [from_date, to_date], both included."""
    if to_date < from_date:
        raise DomainError(
            f"Ngày kết thúc ({to_date:%d/%m/%Y}) phải sau hoặc bằng ngày bắt đầu "
            f"({from_date:%d/%m/%Y}).",
            code="date_range_reversed",
            field="to",
        )
    if (to_date - from_date).days > MAX_WALK_DAYS:
        raise DomainError(
            f"Khoảng thời gian tối đa là {MAX_WALK_DAYS} ngày.",
            code="date_range_too_long",
            field="to",
        )
    return dl.working_days_between(from_date, to_date, calendar_for(_unit(unit_code)))
