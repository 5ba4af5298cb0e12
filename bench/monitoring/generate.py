"""Generate a province-scale history in the import CSV format (monitoring.importer.COLUMNS).

    python -m bench.monitoring.generate --dossiers 5000000 --out var/bench-monitoring

writes one file per year of history (``dossiers-1.csv`` … ``dossiers-5.csv``, oldest first)
covering the 5 years up to
today, so each file is about a million rows and can be timed on its own. Distributions:

- volume: +10% a year, fewer dossiers in the Tết month and in summer, none on days off;
  60% of dossiers at commune level, 22% district, 18% department; Zipf across procedures
  (a few procedures carry most dossiers) and log-normal across units;
- channel: online share from 15% to 62% over the 5 years (procedures offered online only),
  3% postal, the rest at the counter;
- lateness: 1–8% per unit, falling over the years; 7% one supplement request, 0.4% two;
  40% of late dossiers get an apology; 1% of online submissions refused;
- outcomes: ended dossiers mostly returned (10), some resolved awaiting return (9), 1.5%
  withdrawn (7), 0.5% stopped (8); dossiers not yet due at the end are still open;
- digitisation, e-results, online payment, data reuse and VNeID grow year by year;
  20% of dossiers rated, mostly satisfied.

Needs Django only for the calendar (holidays) used to compute due dates.
"""

import argparse
import bisect
import csv
import itertools
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _cum(weights):
    return list(itertools.accumulate(weights))


class Generator:
    def __init__(self, total: int, end: date, seed: int = 2026):
        from motcua.monitoring.importer import COLUMNS
        from motcua.workdays import deadlines
        from motcua.workdays.services import calendar_for

        from .province import structure

        self.columns = COLUMNS
        self.rng = random.Random(seed)
        self.total = total
        self.end = end
        self.start = date(end.year - 5, end.month, end.day) + timedelta(days=1)
        self.cal = calendar_for(None)
        self.deadlines = deadlines
        units, procedures = structure()
        self.units = {u.code: u for u in units}
        self.by_level = {}
        for level in ("department", "district", "commune"):
            procs = [p for p in procedures if p.level == level]
            self.by_level[level] = (procs, _cum([p.weight for p in procs]))
        self.desks = {}
        for level in ("district", "commune"):
            resolving = [u for u in units if u.level == level and u.kind != "service_center"]
            self.desks[level] = (resolving, _cum([u.weight for u in resolving]))
        self.province_desk = next(u.code for u in units if u.one_stop and u.level == "department")
        self.desk_of = {u.parent: u.code for u in units if u.one_stop and u.parent}
        self.late_rate = {u.code: 0.01 + 0.07 * self.rng.random() for u in units}
        self.real_now = datetime.now(TZ)
        self._due_cache: dict = {}

    # --- volume per day ---------------------------------------------------------------------

    def days(self) -> list[tuple[date, int]]:
        weights = []
        day = self.start
        while day <= self.end:
            w = 0.0
            if self.cal.is_working_day(day):
                years = (day - self.start).days / 365.25
                w = 1.10**years
                w *= {1: 0.85, 2: 0.7, 6: 0.9, 7: 0.9, 12: 1.1}.get(day.month, 1.0)
                w *= 1.15 if day.weekday() == 0 else 1.0
            weights.append((day, w))
            day += timedelta(days=1)
        total_w = sum(w for _, w in weights)
        out, carry = [], 0.0
        for day, w in weights:
            exact = self.total * w / total_w + carry
            n = int(exact)
            carry = exact - n
            out.append((day, n))
        short = self.total - sum(n for _, n in out)
        if short:
            out[-1] = (out[-1][0], out[-1][1] + short)
        return out

    # --- one dossier --------------------------------------------------------------------------

    def due(self, received: datetime, days: int) -> datetime:
        key = (received.date(), received.hour >= 17, days)
        hit = self._due_cache.get(key)
        if hit is None:
            hit = self.deadlines.due_working_days(received, days, self.cal)
            self._due_cache[key] = hit
        return hit

    def pick(self, day: date):
        rng = self.rng
        level = rng.choices(("commune", "district", "department"), (60, 22, 18))[0]
        procs, cum = self.by_level[level]
        while True:
            p = procs[bisect.bisect(cum, rng.random() * cum[-1])]
            if p.abolished_on is None or day < p.abolished_on:
                break
        if level == "department":
            return p, self.province_desk, p.department
        resolving, cum_u = self.desks[level]
        unit = resolving[bisect.bisect(cum_u, rng.random() * cum_u[-1])]
        return p, self.desk_of[unit.code], unit.code

    def row(self, n: int, day: date, now: datetime) -> list[str]:
        rng = self.rng
        p, desk, resolving = self.pick(day)
        minute = rng.randrange(0, 9 * 60)
        received = datetime(day.year, day.month, day.day, 7, 30, tzinfo=TZ) + timedelta(
            minutes=minute + (120 if minute > 240 else 0)
        )
        if received > self.real_now:  # today's dossiers: none after the present moment
            received = self.real_now - timedelta(minutes=rng.randrange(1, 120))
        year = (day - self.start).days / 365.25  # 0 … 5
        online_share = 0.15 + 0.094 * year
        r = rng.random()
        channel = "direct"
        if p.online != "NONE" and r < online_share:
            channel = "online"
        elif r > 0.97:
            channel = "postal"
        due = self.due(received, p.days)
        span = due - received
        late_p = self.late_rate[resolving] * (1.3 - 0.15 * year)
        supplements = 0
        requested = completed = None
        x = rng.random()
        if x < 0.004:
            supplements = 2
        elif x < 0.074:
            supplements = 1
        if supplements:
            requested = received + span * rng.uniform(0.1, 0.5)
            completed = requested + timedelta(days=rng.uniform(1, 10))
            due = due + (completed - requested)  # roughly; the importer shifts it exactly
        late = rng.random() < late_p
        if late:
            finished = due + timedelta(hours=rng.expovariate(1 / 60) + 1)
        else:
            finished = received + (due - received) * rng.uniform(0.15, 0.98)
        if completed and finished < completed:
            finished = completed + timedelta(hours=rng.uniform(1, 24))
        status = 10
        returned = None
        if channel == "online" and rng.random() < 0.01:
            status, finished = 3, received + timedelta(hours=rng.uniform(1, 30))
            supplements, requested, completed = 0, None, None
        elif finished > now:
            finished = None
            if channel == "online" and received > now - timedelta(days=2) and rng.random() < 0.3:
                status, supplements, requested, completed = 1, 0, None, None
            elif requested and completed and completed > now:
                status, completed = 5, None
            else:
                status = rng.choices((2, 4, 6), (10, 85, 5))[0]
                if requested and completed and completed > now:
                    completed = None
        else:
            y = rng.random()
            if y < 0.015:
                status = 7
            elif y < 0.02:
                status = 8
            elif y < 0.10:
                status = 9
            else:
                returned = finished + timedelta(hours=rng.uniform(0.5, 72))
                if returned > now:
                    status, returned = 9, None
        if requested and requested > now:
            supplements, requested, completed = 0, None, None
        if status == 5 and requested is None:
            status = 4
        written = p.written
        e_result = status in (9, 10) and rng.random() < (0.3 + 0.13 * year if written else 0.5)
        has_fee = p.fee > 0 and status not in (1, 3)
        rating = ""
        if status in (9, 10) and rng.random() < 0.2:
            rating = str(rng.choices((5, 4, 3, 2, 1), (70, 15, 8, 4, 3))[0])
        return [
            f"BENCH-{n:08d}",
            p.code,
            desk,
            channel,
            "citizen" if p.citizens else "organization",
            _iso(received),
            "" if status in (1, 3) else _iso(self.due(received, p.days)),
            _iso(finished) if finished and status not in (1, 2, 4, 5, 6) else "",
            _iso(returned) if returned else "",
            str(status),
            str(supplements),
            _iso(requested) if requested else "",
            _iso(completed) if completed and status != 5 else "",
            _b(late and rng.random() < 0.4 and status not in (1, 3)),
            rng.choices(("desk", "post", "online"), (70, 10, 20))[0],
            _b(has_fee),
            _b(has_fee and channel == "online" and rng.random() < 0.2 + 0.12 * year),
            _b(e_result),
            _b(status not in (1, 3) and rng.random() < 0.4 + 0.1 * year),
            _b(status not in (1, 3) and rng.random() < 0.05 + 0.07 * year),
            _b(status not in (1, 3) and year > 1.5 and rng.random() < 0.12 * (year - 1.5)),
            rating,
        ]

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        now = datetime.combine(self.end, datetime.min.time(), TZ) + timedelta(hours=17)
        files: dict[int, tuple] = {}
        n = 0
        for day, count in self.days():
            key = min(5, int((day - self.start).days // 365.25) + 1)  # year of history 1…5
            if key not in files:
                fh = open(out / f"dossiers-{key}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
                writer = csv.writer(fh)
                writer.writerow(self.columns)
                files[key] = (fh, writer)
            writer = files[key][1]
            for _ in range(count):
                n += 1
                writer.writerow(self.row(n, day, now))
        for fh, _ in files.values():
            fh.close()
        return sorted(out / f"dossiers-{k}.csv" for k in files)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _b(value: bool) -> str:
    return "true" if value else "false"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5_000_000)
    parser.add_argument("--out", default="var/bench-monitoring")
    parser.add_argument("--end", help="last day of history (default: today)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    from bench.common import setup

    setup()
    from .province import setup as setup_province

    print("Tỉnh đo:", setup_province())
    end = date.fromisoformat(args.end) if args.end else date.today()
    started = time.perf_counter()
    files = Generator(args.dossiers, end, args.seed).write(Path(args.out))
    took = time.perf_counter() - started
    print(f"Đã ghi {args.dossiers} hồ sơ vào {len(files)} tệp trong {took:.0f} giây:")
    for f in files:
        print(" ", f, f"{f.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
