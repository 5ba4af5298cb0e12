"""Where calendar rows come from before a province edits them. No database here.

- ``data/holidays_seed.csv``: the official public-sector schedules 2024-2026, copied from
  docs holidays.md §3 with their source documents. These are the truth for their years.
- ``python-holidays`` (``holidays.VN``) for any other year: its Vietnamese lunisolar calendar
  gives Tết and Giỗ Tổ, and it knows the government's swaps (``weekend_workdays``). For future
  years these rows are projections — Tết days are decided by the Prime Minister each year
  (holidays.md §5) — so they carry the source ``python-holidays`` and the admin replaces them
  when the official notice comes out.
"""

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import holidays

from .calendar import COMPENSATORY, DAY_KINDS, HOLIDAY, MAKEUP_WORKDAY, SATURDAY, SWAP_OFF

SEED_CSV = Path(__file__).resolve().parent / "data" / "holidays_seed.csv"
LIBRARY_SOURCE = "python-holidays"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SeedDay:
    date: date
    kind: str
    name: str
    source: str


@lru_cache(maxsize=4)
def official_days(path: Path = SEED_CSV) -> tuple[SeedDay, ...]:
    """The rows of the seed CSV, checked: a wrong weekday column means a mistyped date."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(_parse_row(row, line) for line, row in enumerate(csv.DictReader(handle), 2))


def _parse_row(row: dict, line: int) -> SeedDay:
    day = date.fromisoformat(row["date"])
    if row["weekday"] != WEEKDAYS[day.weekday()]:
        actual = WEEKDAYS[day.weekday()]
        raise ValueError(f"Dòng {line}: ngày {day} là {actual}, không phải {row['weekday']}.")
    if row["type"] not in DAY_KINDS:
        raise ValueError(f"Dòng {line}: loại ngày “{row['type']}” không hợp lệ.")
    return SeedDay(day, row["type"], row["name"], row["source"])


def official_years(path: Path = SEED_CSV) -> frozenset[int]:
    return frozenset(d.date.year for d in official_days(path))


@lru_cache(maxsize=128)
def library_days(year: int) -> tuple[SeedDay, ...]:
    """One year of ``holidays.VN``, as weekday days off plus worked weekend days.

    A statutory day on a weekend is left out: it changes nothing, and its nghỉ bù weekday
    is listed by the library under its own name.
    """
    vn = holidays.VN(years=year, language="vi")
    rows = [
        SeedDay(day, _library_kind(name), name, LIBRARY_SOURCE)
        for day, name in sorted(vn.items())
        if day.year == year and day.weekday() < SATURDAY
    ]
    rows += [
        SeedDay(day, MAKEUP_WORKDAY, "Làm bù (hoán đổi ngày làm việc)", LIBRARY_SOURCE)
        for day in sorted(vn.weekend_workdays)  # every year the library knows, so filter
        if day.year == year
    ]
    return tuple(sorted(rows, key=lambda r: r.date))


def _library_kind(name: str) -> str:
    # The library's Vietnamese names: "… (nghỉ bù)" for Điều 111(3) days and
    # "Ngày nghỉ (thay cho ngày 04/05/2024)" for a weekday swapped with a Saturday.
    if "nghỉ bù" in name:
        return COMPENSATORY
    if name.startswith("Ngày nghỉ (thay cho"):
        return SWAP_OFF
    return HOLIDAY


def seed_days(years) -> list[SeedDay]:
    """Rows for ``years``: the official CSV where it covers the year, the library elsewhere."""
    covered = official_years()
    rows: list[SeedDay] = []
    for year in sorted(set(years)):
        if year in covered:
            rows += [d for d in official_days() if d.date.year == year]
        else:
            rows += library_days(year)
    return rows
