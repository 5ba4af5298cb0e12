"""Bulk-load a realistic province history into the bench database: dossiers and their events.

    .venv/bin/python -m bench.generate --dossiers 1000000 --reset

Creates the database if needed, migrates, loads the demo province (units, 58 procedures,
officials), then writes ``--dossiers`` dossiers received over the last ``--days`` days (up
to yesterday) at the demo's nine one-stop desks, with their components, fees and events,
through PostgreSQL COPY in ``--jobs`` parallel processes.

The history is shaped like a real one, because list and inbox queries are only as fast as
the data lets them be: receipts on working days and in working hours, more at the province
centre and in the wards, slowly growing; codes numbered per desk and day; due dates from the
real calendar and time limits; most dossiers returned early or on time, some late, a few
withdrawn, stopped, rejected or waiting for a supplement; the recent ones still on their way
through the procedure's steps, held by the step's unit and official. Every dossier's events
retell its path (submit, receive, forward…, resolve, return), as the services would write.
"""

import argparse
import functools
import multiprocessing as mp
import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench import common

TABLES = ["dossiers_event", "dossiers_component", "dossiers_dossierfee", "dossiers_dossier"]
DOSSIER_COLUMNS = [
    "id", "code", "version_id", "rule_set", "state", "channel", "row_version", "applicant_type",
    "applicant_name", "applicant_id_number", "applicant_address", "applicant_phone",
    "applicant_email", "representative_name", "representative_id_number", "summary", "sets",
    "return_method", "return_address", "receiving_unit_id", "competent_unit_id",
    "current_unit_id", "receiving_path", "competent_path", "current_path", "step_order",
    "step_name", "step_role", "step_started_at", "step_due_at", "assignee_id", "created_at",
    "submitted_at", "received_at", "original_due_at", "due_at", "paused_at", "finished_at",
    "returned_at", "supplement_requests", "apologies", "fee_total", "paid_online", "e_result",
    "result_number", "verdict",
]  # fmt: skip
EVENT_COLUMNS = [
    "dossier_id", "seq", "action", "at", "actor_id", "actor_name", "role", "unit_id",
    "from_state", "to_state", "step_order", "step_name", "to_unit_id", "to_step_order", "note",
    "due_before", "due_after", "step_due", "verdict", "data",
]  # fmt: skip
COMPONENT_COLUMNS = [
    "dossier_id", "document_id", "name", "form", "count", "digitized", "reused",
]  # fmt: skip
FEE_COLUMNS = [
    "dossier_id", "name", "amount",
]  # fmt: skip

# Desk weights: the province centre takes the most, wards more than rural communes.
CENTRE_WEIGHT, WARD_WEIGHT, COMMUNE_WEIGHT = 3.0, 1.4, 0.8
BATCH = 5000  # dossiers per COPY transaction


def ensure_database() -> None:
    import psycopg

    base, name = common.BENCH_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Đã tạo cơ sở dữ liệu {name}.")


# --- reference data -----------------------------------------------------------------------


@dataclass
class Step:
    order: int
    name: str
    role: str
    unit_ref: str
    hours: float


@dataclass
class Proc:
    id: int
    name: str
    value: Decimal
    unit: str
    cutoff: object
    online: str
    online_limit: tuple
    steps: list[Step]
    documents: list[tuple[int, str]]
    fees: list[tuple[str, Decimal]]


def reference() -> dict:
    """Everything a worker needs, read once: desks, procedures, units, officials, calendars."""
    from motcua.agencies.models import RoleAssignment, Unit
    from motcua.catalog.models import ProcedureVersion

    units = {u.pk: u for u in Unit.objects.all()}
    by_code = {u.code: u.pk for u in units.values()}
    procs = {}
    for v in ProcedureVersion.objects.filter(status="PUBLISHED").prefetch_related(
        "steps", "documents", "fees"
    ):
        procs[v.pk] = Proc(
            v.pk, v.name, v.time_limit_value, v.time_limit_unit, v.same_day_cutoff,
            v.online_level, (v.online_time_limit_value, v.online_time_limit_unit),
            [Step(s.order, s.name, s.role, s.unit_ref, float(s.hours))
             for s in sorted(v.steps.all(), key=lambda s: s.order)],
            [(d.pk, d.name) for d in v.documents.all() if not d.optional],
            [(f.name, f.amount) for f in v.fees.all() if f.amount],
        )  # fmt: skip
    officials = {}
    for ra in RoleAssignment.objects.select_related("official"):
        officials.setdefault((ra.unit_id, ra.role), (ra.official.user_id, ra.official.full_name))
    mix = {
        desk: [(w.version_id, w.competent_id) for w in work]
        for desk, work in common.work_mix().items()
    }
    return {
        "units": {pk: (u.code, u.path, u.name, u.level) for pk, u in units.items()},
        "by_code": by_code,
        "procs": procs,
        "officials": officials,
        "mix": mix,
    }


# --- the plan: how many dossiers each desk coded on each day ------------------------------


def plan(ref: dict, total: int, days: int, seed: int) -> list[tuple[date, int, int]]:
    """(day, desk, count) cells summing exactly to ``total`` (largest remainder)."""
    from motcua.workdays.calendar import local
    from motcua.workdays.services import calendar_for

    cal = calendar_for(None)
    rng = random.Random(seed)
    today = local(datetime.now().astimezone()).date()
    span = [today - timedelta(days=n) for n in range(days, 0, -1)]
    work_days = [d for d in span if cal.is_working_day(d)]
    cells, weights = [], []
    for i, day in enumerate(work_days):
        growth = 0.75 + 0.5 * i / max(1, len(work_days) - 1)  # more dossiers every month
        for desk in sorted(ref["mix"]):
            level = ref["units"][desk][3]
            kind = ref["units"][desk][2]
            w = CENTRE_WEIGHT if level != "commune" else (
                WARD_WEIGHT if "phường" in kind else COMMUNE_WEIGHT)  # fmt: skip
            cells.append((day, desk))
            weights.append(w * growth * rng.uniform(0.7, 1.3))
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    for i in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[:short]:
        counts[i] += 1
    return [(day, desk, n) for (day, desk), n in zip(cells, counts, strict=True) if n]


# --- one worker: its share of the cells, written with COPY --------------------------------


class Writer:
    """Builds the rows of one dossier at a time, the way the services would have."""

    def __init__(self, ref: dict, seed: int, now: datetime):
        from motcua.dossiers.rules import rule_set_at
        from motcua.dossiers.services import verdict
        from motcua.workdays import deadlines
        from motcua.workdays.calendar import TZ
        from motcua.workdays.services import calendar_for

        self.ref, self.rng, self.now, self.tz = ref, random.Random(seed), now, TZ
        self.deadlines, self.verdict, self.rule_set_at = deadlines, verdict, rule_set_at
        self.cal = calendar_for(None)
        self.dossiers, self.events, self.components, self.fees = [], [], [], []

    @functools.cache  # noqa: B019 (one writer per process, a few hundred keys)
    def official(self, unit_id: int, role: str) -> tuple[int | None, str]:
        """The official holding ``role`` at the unit, or at the nearest unit above it."""
        path = self.ref["units"][unit_id][1]
        for uid in reversed([int(p) for p in path.strip("/").split("/")]):
            if (uid, role) in self.ref["officials"]:
                return self.ref["officials"][(uid, role)]
        return None, ""

    def step_unit(self, step: Step, desk: int, competent: int) -> int:
        if step.unit_ref == "@receiving":
            return desk
        if step.unit_ref == "@competent":
            return competent
        return self.ref["by_code"].get(step.unit_ref, competent)

    def moment(self, day: date) -> datetime:
        """A moment in the day's working hours (more in the morning, as at real desks)."""
        rng = self.rng
        minutes = rng.randrange(7 * 60 + 30, 11 * 60 + 30) if rng.random() < 0.6 else (
            rng.randrange(13 * 60 + 30, 16 * 60 + 45))  # fmt: skip
        return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                        rng.randrange(60), tzinfo=self.tz)  # fmt: skip

    def office_hours(self, moment: datetime) -> datetime:
        """Pull a moment computed by proportion into the working day it falls on."""
        if moment.hour < 7:
            return moment.replace(hour=8, minute=self.rng.randrange(60))
        if moment.hour >= 17:
            return moment.replace(hour=16, minute=self.rng.randrange(60))
        return moment

    def add(self, dossier_id: int, desk: int, coded_at: datetime, seq: int) -> None:
        rng, ref, dl = self.rng, self.ref, self.deadlines
        version_id, competent = rng.choice(ref["mix"][desk])
        proc: Proc = ref["procs"][version_id]
        desk_code, desk_path, _, _ = ref["units"][desk]
        applicant = common.applicant(rng)
        online = proc.online != "NONE" and rng.random() < (0.55 if proc.online == "FULL" else 0.3)
        channel = "online" if online else ("postal" if rng.random() < 0.03 else "direct")
        code = f"{desk_code}-{coded_at:%y%m%d}-{seq:04d}"
        events = []
        receiver = self.official(desk, "RECEIVER")

        def event(action, at, actor, role, unit, frm, to, **kw):
            events.append(
                (dossier_id, len(events) + 1, action, at, actor[0], actor[1], role, unit, frm, to,
                 kw.get("step_order"), kw.get("step_name", ""), kw.get("to_unit"),
                 kw.get("to_step_order"), kw.get("note", ""), kw.get("due_before"),
                 kw.get("due_after"), kw.get("step_due"), kw.get("verdict", ""),
                 kw.get("data", "{}"))
            )  # fmt: skip

        d = dict.fromkeys(DOSSIER_COLUMNS)
        d.update(
            id=dossier_id, code=code, version_id=version_id,
            rule_set=self.rule_set_at(coded_at).code, channel=channel, row_version=1,
            applicant_type="citizen", applicant_name=applicant["name"],
            applicant_id_number=applicant["id_number"], applicant_address=applicant["address"],
            applicant_phone=applicant["phone"], applicant_email=applicant["email"],
            representative_name="", representative_id_number="", summary=proc.name, sets=1,
            return_method="online" if online and rng.random() < 0.3 else "desk",
            return_address="", receiving_unit_id=desk, competent_unit_id=competent,
            current_unit_id=desk, receiving_path=desk_path,
            competent_path=ref["units"][competent][1], current_path=desk_path, step_name="",
            step_role="", created_at=coded_at, supplement_requests=0, apologies=0,
            fee_total=sum((a for _, a in proc.fees), Decimal(0)), paid_online=False,
            e_result=False, result_number="", verdict="",
        )  # fmt: skip
        received = coded_at
        if online:
            d["submitted_at"] = coded_at
            event("submit", coded_at, (None, ""), "", None, "", "SUBMITTED")
            received = self.office_hours(coded_at + timedelta(hours=rng.uniform(0.3, 20)))
            if received > self.now or rng.random() < 0.015:  # not yet received, or refused
                refused = received <= self.now
                d.update(state="REJECTED" if refused else "SUBMITTED")
                if refused:
                    d["finished_at"] = received
                    event("refuse", received, receiver, "RECEIVER", desk, "SUBMITTED",
                          "REJECTED", note="Hồ sơ không thuộc thẩm quyền tiếp nhận.")  # fmt: skip
                self.finish(d, events, proc, desk)
                return
        cal = self.cal
        value, unit = (proc.online_limit if online and proc.online_limit[0] else
                       (proc.value, proc.unit))  # fmt: skip
        due = dl.due_for(received, value, unit, cal, proc.cutoff)
        d.update(received_at=received, original_due_at=due, due_at=due, state="RECEIVED")
        event("receive", received, receiver, "RECEIVER", desk,
              "SUBMITTED" if online else "", "RECEIVED", due_after=due)  # fmt: skip

        # How it ends: mostly early, some on the day, a few late, withdrawn or stopped.
        span = due - received
        fate = rng.random()
        if fate < 0.80:
            finish = received + span * rng.uniform(0.25, 0.9)
        elif fate < 0.92:
            finish = due - timedelta(minutes=rng.randrange(5, 180))
        else:
            finish = due + span * rng.uniform(0.05, 0.6) + timedelta(hours=1)
        finish = max(self.office_hours(finish), received + timedelta(minutes=20))
        ending = "resolve"
        r = rng.random()
        if r < 0.015:
            ending, finish = "withdraw", received + span * rng.uniform(0.1, 0.5)
        elif r < 0.025:
            ending = "not_eligible"

        # Walk the steps, each taking its share of the time until the end.
        steps = proc.steps
        total_hours = sum(s.hours for s in steps[:-1]) or 1.0
        t = received
        step_due = None
        state = "RECEIVED"
        supplement = rng.random() < 0.06 and len(steps) > 2
        for i, step in enumerate(steps):
            unit = self.step_unit(step, desk, competent)
            is_last = i == len(steps) - 1
            step_due = dl.due_working_hours(t, step.hours, cal)
            d.update(step_order=step.order, step_name=step.name, step_role=step.role,
                     step_started_at=t, step_due_at=step_due, current_unit_id=unit,
                     current_path=ref["units"][unit][1])  # fmt: skip
            if is_last:
                break  # the desk's return step starts at resolve
            share = (finish - received) * (step.hours / total_hours)
            end = t + share
            if supplement and i == 1 and end <= self.now:
                actor = self.official(unit, step.role)
                asked = t + share / 3
                event("request_supplement", asked, actor, step.role, unit, state,
                      "WAITING_SUPPLEMENT", step_order=step.order, step_name=step.name,
                      note="Bổ sung bản sao giấy tờ chứng minh nơi cư trú.",
                      data='{"items": ["Giấy tờ chứng minh nơi cư trú"], '
                           '"request_number": 1}')  # fmt: skip
                d["supplement_requests"] = 1
                back = asked + timedelta(days=rng.uniform(1, 6))
                if back > self.now:
                    d.update(state="WAITING_SUPPLEMENT", paused_at=asked, assignee_id=actor[0])
                    self.finish(d, events, proc, desk)
                    return
                pause = dl.working_time_between(asked, back, cal)
                d["due_at"] = dl.add_working_time(d["due_at"], pause, cal)
                event("complete_supplement", back, receiver, "RECEIVER", desk,
                      "WAITING_SUPPLEMENT", "IN_PROCESS", step_order=step.order,
                      step_name=step.name, due_before=due, due_after=d["due_at"])  # fmt: skip
                state = "IN_PROCESS"
            if end > self.now or (ending != "resolve" and i >= 1):
                break
            nxt = steps[i + 1]
            if nxt is steps[-1]:
                break  # the last working step resolves instead of forwarding
            actor = self.official(unit, step.role)
            to_unit = self.step_unit(nxt, desk, competent)
            event("forward", end, actor, step.role, unit, state, "IN_PROCESS",
                  step_order=step.order, step_name=step.name, to_unit=to_unit,
                  to_step_order=nxt.order, step_due=step_due,
                  verdict=self.verdict(end, step_due))  # fmt: skip
            state = "IN_PROCESS"
            t = end
        d["state"] = state
        held = d["current_unit_id"]
        if d["step_role"] == "SPECIALIST":
            d["assignee_id"] = self.official(held, "SPECIALIST")[0]
        if finish > self.now and ending == "resolve":
            self.finish(d, events, proc, desk)  # still being processed
            return
        if ending != "resolve":
            finish = min(finish, self.now)
            role = "HEAD" if ending == "not_eligible" else "RECEIVER"
            unit = held if ending == "not_eligible" else desk
            final = "STOPPED" if ending == "not_eligible" else "WITHDRAWN"
            event(ending, finish, self.official(unit, role), role, unit, state, final,
                  step_order=d["step_order"], step_name=d["step_name"],
                  note="Người nộp xin rút hồ sơ." if ending == "withdraw"
                  else "Không đủ điều kiện theo quy định.")  # fmt: skip
            d.update(state=final, finished_at=finish, verdict=self.verdict(finish, d["due_at"]),
                     assignee_id=None, step_due_at=None)  # fmt: skip
            self.finish(d, events, proc, desk)
            return
        verdict = self.verdict(finish, d["due_at"])
        head_unit = held
        event("resolve", finish, self.official(head_unit, "HEAD"), "HEAD", head_unit, state,
              "RESOLVED", step_order=d["step_order"], step_name=d["step_name"],
              to_unit=desk, to_step_order=steps[-1].order,
              verdict=self.verdict(finish, d["step_due_at"]),
              data=f'{{"dossier_verdict": "{verdict}"}}')  # fmt: skip
        last = steps[-1]
        d.update(state="RESOLVED", finished_at=finish, verdict=verdict, e_result=True,
                 result_number=f"{rng.randrange(1, 999)}/{coded_at:%Y}", assignee_id=None,
                 step_order=last.order, step_name=last.name, step_role=last.role,
                 step_started_at=finish, step_due_at=dl.due_working_hours(finish, last.hours, cal),
                 current_unit_id=desk, current_path=desk_path)  # fmt: skip
        returned = self.office_hours(finish + timedelta(hours=rng.uniform(0.5, 72)))
        if returned <= self.now:
            event("return_result", returned, receiver, "RECEIVER", desk, "RESOLVED", "RETURNED",
                  step_order=last.order, step_name=last.name,
                  verdict=self.verdict(returned, d["step_due_at"]),
                  data=f'{{"method": "{d["return_method"]}", '
                       f'"recipient": "{applicant["name"]}"}}')  # fmt: skip
            d.update(state="RETURNED", returned_at=returned, step_due_at=None)
        self.finish(d, events, proc, desk)

    def finish(self, d: dict, events: list, proc: Proc, desk: int) -> None:
        d["row_version"] = len(events)
        self.dossiers.append(tuple(d[c] for c in DOSSIER_COLUMNS))
        self.events.extend(events)
        digitized = d["channel"] == "online"
        form = "electronic" if digitized else "original"
        self.components.extend(
            (d["id"], doc, name, form, 1, digitized, False) for doc, name in proc.documents
        )
        self.fees.extend((d["id"], name, amount) for name, amount in proc.fees)

    def flush(self, conn) -> int:
        with conn.transaction(), conn.cursor() as cur:
            for table, columns, rows in (
                ("dossiers_dossier", DOSSIER_COLUMNS, self.dossiers),
                ("dossiers_event", EVENT_COLUMNS, self.events),
                ("dossiers_component", COMPONENT_COLUMNS, self.components),
                ("dossiers_dossierfee", FEE_COLUMNS, self.fees),
            ):
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        n = len(self.dossiers)
        self.dossiers, self.events, self.components, self.fees = [], [], [], []
        return n


def worker(index: int, cells: list, first_id: int, seed: int, now: datetime, out) -> None:
    common.setup()
    import psycopg

    ref = reference()
    writer = Writer(ref, seed * 1000 + index, now)
    done, next_id = 0, first_id
    with psycopg.connect(common.BENCH_URL) as conn:
        # The rows reference only ids read above, so foreign-key triggers are skipped while
        # loading (checked once at the end instead: see check()).
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        for day, desk, count in cells:
            moments = sorted(writer.moment(day) for _ in range(count))
            for seq, moment in enumerate(moments, start=1):
                writer.add(next_id, desk, moment, seq)
                next_id += 1
            if len(writer.dossiers) >= BATCH:
                done += writer.flush(conn)
                if done % 100_000 < BATCH:
                    print(f"  tiến trình {index}: {done:,} hồ sơ", flush=True)
        done += writer.flush(conn)
    out.put((index, done))


# --- the whole load -----------------------------------------------------------------------


def prepare(reset: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from motcua.agencies.models import Unit
    from motcua.dossiers.models import Dossier

    call_command("migrate", verbosity=0)
    build_indexes()  # a previous load was interrupted: repair first
    if not Unit.objects.exists():
        call_command("load_demo", quiet=True)
    if Dossier.objects.exists():
        if not reset:
            raise SystemExit("Đã có hồ sơ trong cơ sở dữ liệu đo; chạy lại với --reset để xóa.")
        with connection.cursor() as cur:
            cur.execute(
                f"TRUNCATE {', '.join(TABLES)}, dossiers_codesequence RESTART IDENTITY CASCADE"
            )


# Secondary indexes are dropped for the load and built again after it (a sorted build is
# many times faster than 30 indexes maintained row by row). Their definitions are kept in a
# file first, so that an interrupted load is repaired by the next run.
SAVED_INDEXES = common.RESULTS / "indexes-during-load.sql"


def drop_indexes() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' "
            "AND tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [TABLES],
        )
        found = cur.fetchall()
        common.RESULTS.mkdir(exist_ok=True)
        SAVED_INDEXES.write_text("".join(f"{d};\n" for _, d in found), encoding="utf-8")
        for name, _ in found:
            cur.execute(f'DROP INDEX "{name}"')
    return len(found)


def build_indexes() -> int:
    """Build the saved indexes, two at a time (one connection per core)."""
    import psycopg

    if not SAVED_INDEXES.exists():
        return 0
    todo = [
        d.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
        for d in SAVED_INDEXES.read_text(encoding="utf-8").split(";\n")
        if d.strip()
    ]

    def build(share: list[str]) -> None:
        with psycopg.connect(common.BENCH_URL, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            for statement in share:
                conn.execute(statement)

    threads = [threading.Thread(target=build, args=(todo[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    SAVED_INDEXES.unlink()
    return len(todo)


def finalize(cells: list) -> None:
    from django.db import connection

    codes = {}
    for day, desk, count in cells:
        codes[(desk, day)] = codes.get((desk, day), 0) + count
    from motcua.agencies.models import Unit
    from motcua.dossiers.models import CodeSequence

    desk_codes = dict(Unit.objects.values_list("pk", "code"))
    CodeSequence.objects.bulk_create(
        [CodeSequence(agency_code=desk_codes[desk], day=day, last=n)
         for (desk, day), n in codes.items()], batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
            "(SELECT max(id) FROM dossiers_dossier))"
        )


def check() -> dict:
    """Counts, and the foreign keys the load skipped: no event or component may be orphaned."""
    from django.db import connection

    with connection.cursor() as cur:
        counts = {}
        for table in TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
        for table in ("dossiers_event", "dossiers_component", "dossiers_dossierfee"):
            cur.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN dossiers_dossier d "
                "ON d.id = t.dossier_id WHERE d.id IS NULL"
            )
            orphans = cur.fetchone()[0]
            if orphans:
                raise SystemExit(f"{orphans} dòng của {table} không có hồ sơ.")
        cur.execute("SELECT state, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC")
        counts["states"] = dict(cur.fetchall())
    return counts


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="xóa hồ sơ đã có trước khi nạp")
    args = parser.parse_args(argv)

    ensure_database()
    common.setup()
    started = time.perf_counter()
    prepare(args.reset)
    ref = reference()
    cells = plan(ref, args.dossiers, args.days, args.seed)
    now = datetime.now().astimezone()
    shares, first_ids, next_id = [], [], 1
    size = -(-len(cells) // args.jobs)
    for j in range(args.jobs):
        share = cells[j * size : (j + 1) * size]
        shares.append(share)
        first_ids.append(next_id)
        next_id += sum(n for _, _, n in share)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(j, shares[j], first_ids[j], args.seed, now, out))
        for j in range(args.jobs)
    ]
    drop_indexes()
    for p in procs:
        p.start()
    written = 0
    for _ in procs:
        while True:
            try:
                written += out.get(timeout=5)[1]
                break
            except queue.Empty:
                if any(p.exitcode for p in procs):
                    build_indexes()
                    raise SystemExit("Tiến trình nạp dữ liệu lỗi; đã dựng lại chỉ mục.") from None
    for p in procs:
        p.join()
    loaded = time.perf_counter() - started
    built = build_indexes()
    indexed = time.perf_counter() - started - loaded
    finalize(cells)
    from django.db import connection

    with connection.cursor() as cur:
        for table in [*TABLES, "dossiers_codesequence"]:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    counts = check()
    return common.report(
        "generate",
        {
            "dossiers": written,
            "load_seconds": round(loaded, 1),
            "indexes_rebuilt": built,
            "index_seconds": round(indexed, 1),
            "total_seconds": round(time.perf_counter() - started, 1),
            **counts,
        },
    )


if __name__ == "__main__":
    main()
