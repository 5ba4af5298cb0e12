"""Legacy import: historical dossiers from a CSV file, so statistics and the index cover them.

This is the audited bulk path beside ``dossiers.services`` (which owns live changes): each
row becomes an ordinary ``Dossier`` (state from the national status code, its times and
flags) with one ``Event`` (action ``import``, data: source file, line and the row's flags),
its fact row and its share of the tallies — so drill-downs and the consistency check treat
imported and live dossiers alike.

All or nothing: every row is validated first and every bad row is reported with its line
number and reason; if any row is bad nothing is written. A code already in the system is
skipped, so importing the same file twice changes nothing. Rows are written in batches
(``bulk_create``, or PostgreSQL ``COPY`` with ``fast=True``) inside one transaction.

Columns (UTF-8, header row, ISO 8601 times with offset, empty = none): see ``COLUMNS``.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from motcua.agencies.models import Unit
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.dossiers.models import Dossier, Event, State, Verdict
from motcua.dossiers.rules import rule_set_at
from motcua.workdays import deadlines
from motcua.workdays.services import calendar_for

from . import facts as fact_rows
from . import tallies

COLUMNS = [
    "code", "procedure_code", "unit_code", "channel", "applicant_type", "received_at",
    "due_at", "finished_at", "returned_at", "status", "supplement_requests",
    "supplement_requested_at", "supplement_completed_at", "apology_issued", "return_method",
    "has_fee", "paid_online", "e_result", "digitized", "reused_data", "vneid", "rating",
]  # fmt: skip

STATUS = {
    1: State.SUBMITTED, 2: State.RECEIVED, 3: State.REJECTED, 4: State.IN_PROCESS,
    5: State.WAITING_SUPPLEMENT, 6: State.WAITING_PAYMENT, 7: State.WITHDRAWN,
    8: State.STOPPED, 9: State.RESOLVED, 10: State.RETURNED,
}  # fmt: skip
NOT_RECEIVED = {1, 3}  # submitted online, refused: ``received_at`` is the submission time
ENDED = {3, 7, 8, 9, 10}
OPEN = {1, 2, 4, 5, 6}
BOOLS = {"true": True, "false": False, "1": True, "0": False, "": False}
ACTOR_NAME = "Nhập dữ liệu hồ sơ từ hệ thống cũ"
FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks of the old system may run a little ahead


class ImportFailed(Exception):
    def __init__(self, report: "Report"):
        super().__init__(f"{len(report.errors)} dòng lỗi")
        self.report = report


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = f" (cột {self.column})" if self.column else ""
        return f"Dòng {self.line}{where}: {self.message}"


@dataclass
class Report:
    source: str
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (
                f"Tệp {self.source}: {len(self.errors)} dòng lỗi trên {self.rows} dòng; "
                "không nhập hồ sơ nào."
            )
        return (
            f"Tệp {self.source}: {self.rows} dòng; đã nhập {self.imported} hồ sơ; bỏ qua "
            f"{self.skipped} hồ sơ đã có trong hệ thống ({self.seconds:.1f} giây)."
        )


class _Bad(Exception):
    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.message, self.column = message, column


# --- reference data ------------------------------------------------------------------------------


class Reference:
    """Procedures, versions and units by code, read once per import."""

    def __init__(self) -> None:
        self.units = {u.code: u for u in Unit.objects.all()}
        self.units_by_id = {u.pk: u for u in self.units.values()}
        self.procedures = dict(Procedure.objects.values_list("code", "pk"))
        self.versions: dict[int, list[ProcedureVersion]] = {}
        qs = (
            ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT)
            .select_related("decision", "procedure")
            .prefetch_related("implementing_units", "fees")
            .order_by("procedure_id", "number")
        )
        for v in qs:
            v.unit_ids = {u.pk for u in v.implementing_units.all()}
            v.fee_sum = sum((f.amount for f in v.fees.all()), Decimal(0))
            self.versions.setdefault(v.procedure_id, []).append(v)
        self.implementing = set().union(*(v.unit_ids for vs in self.versions.values() for v in vs))

    def version(self, procedure_id: int, moment: datetime) -> ProcedureVersion:
        """The version in force at ``moment`` (by decision date), else the earliest one."""
        history = self.versions[procedure_id]
        day = timezone.localtime(moment).date()
        dated = [v for v in history if v.decision_id and v.decision.date <= day]
        if dated:
            return max(dated, key=lambda v: (v.decision.date, v.number))
        return history[0]

    def units_for(self, unit: Unit, version: ProcedureVersion) -> tuple[Unit, Unit]:
        """(receiving desk, competent unit) for a row naming ``unit``."""
        if unit.one_stop:
            for uid in version.unit_ids:
                candidate = self.units_by_id[uid]
                if unit.path.startswith(candidate.path):
                    return unit, candidate
            if unit.pk in version.unit_ids:
                return unit, unit
            if len(version.unit_ids) == 1:
                return unit, self.units_by_id[next(iter(version.unit_ids))]
            raise _Bad(
                f"không xác định được cơ quan giải quyết thủ tục {version.procedure.code} cho "
                f"Bộ phận Một cửa {unit.code}",
                "unit_code",
            )
        if unit.pk in version.unit_ids or unit.pk in self.implementing:
            desks = sorted(
                (u for u in self.units.values() if u.one_stop and u.path.startswith(unit.path)),
                key=lambda u: u.path,
            )
            return (desks[0] if desks else unit), unit
        raise _Bad(
            f"đơn vị {unit.code} không phải Bộ phận Một cửa hay cơ quan thực hiện thủ tục",
            "unit_code",
        )


# --- parsing one row ------------------------------------------------------------------------------


def _moment(row: dict, column: str, required: bool = False) -> datetime | None:
    text = (row.get(column) or "").strip()
    if not text:
        if required:
            raise _Bad("bắt buộc có giá trị", column)
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"thời điểm «{text}» không đúng ISO 8601", column) from None
    if value.tzinfo is None:
        raise _Bad(f"thời điểm «{text}» thiếu múi giờ (ví dụ +07:00)", column)
    return value


def _bool(row: dict, column: str) -> bool:
    text = (row.get(column) or "").strip().lower()
    if text not in BOOLS:
        raise _Bad(f"giá trị «{row.get(column)}» phải là true hoặc false", column)
    return BOOLS[text]


def _int(row: dict, column: str, low: int, high: int, default: int | None) -> int | None:
    text = (row.get(column) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise _Bad(f"«{text}» không phải số nguyên", column) from None
    if not low <= value <= high:
        raise _Bad(f"giá trị {value} phải từ {low} đến {high}", column)
    return value


def _choice(row: dict, column: str, allowed: tuple[str, ...], default: str) -> str:
    text = (row.get(column) or "").strip().lower() or default
    if text not in allowed:
        raise _Bad(f"«{row.get(column)}» phải là một trong: {', '.join(allowed)}", column)
    return text


@dataclass
class Parsed:
    line: int
    code: str
    version: ProcedureVersion
    receiving: Unit
    competent: Unit
    status: int
    values: dict


def parse_row(row: dict, line: int, ref: Reference) -> Parsed:
    code = (row.get("code") or "").strip()
    if not code:
        raise _Bad("mã hồ sơ bắt buộc có giá trị", "code")
    if len(code) > 60:
        raise _Bad("mã hồ sơ dài quá 60 ký tự", "code")
    procedure_id = ref.procedures.get((row.get("procedure_code") or "").strip())
    if procedure_id is None or procedure_id not in ref.versions:
        raise _Bad(
            f"không có thủ tục mã «{row.get('procedure_code')}» trong danh mục", "procedure_code"
        )
    unit = ref.units.get((row.get("unit_code") or "").strip())
    if unit is None:
        raise _Bad(f"không có cơ quan, đơn vị mã «{row.get('unit_code')}»", "unit_code")
    status = _int(row, "status", 1, 10, None)
    if status is None:
        raise _Bad("bắt buộc có giá trị (mã trạng thái 1–10)", "status")
    channel = _choice(row, "channel", ("direct", "online", "postal"), "")
    applicant_type = _choice(row, "applicant_type", ("citizen", "organization"), "citizen")
    received = _moment(row, "received_at", required=True)
    due = _moment(row, "due_at")
    finished = _moment(row, "finished_at")
    returned = _moment(row, "returned_at")
    requested = _moment(row, "supplement_requested_at")
    completed = _moment(row, "supplement_completed_at")
    supplements = _int(row, "supplement_requests", 0, 50, 0)
    return_method = _choice(row, "return_method", ("desk", "post", "online"), "desk")
    flags = {c: _bool(row, c) for c in ("apology_issued", "has_fee", "paid_online", "e_result",
                                         "digitized", "reused_data", "vneid")}  # fmt: skip
    rating = _int(row, "rating", 1, 5, None)

    if status in ENDED and finished is None and status != 3:
        raise _Bad(f"trạng thái {status} phải có thời điểm kết thúc xử lý", "finished_at")
    if status in OPEN and (finished or returned):
        raise _Bad(
            f"trạng thái {status} (chưa kết thúc) không được có thời điểm kết thúc hay trả kết quả",
            "finished_at" if finished else "returned_at",
        )
    if status == 10 and returned is None:
        raise _Bad("trạng thái 10 (đã trả kết quả) phải có thời điểm trả kết quả", "returned_at")
    if status != 10 and returned is not None:
        raise _Bad("chỉ hồ sơ đã trả kết quả (10) mới có thời điểm trả", "returned_at")
    if received > timezone.now() + FUTURE_TOLERANCE:
        raise _Bad("thời điểm tiếp nhận ở tương lai", "received_at")
    if finished and finished < received:
        raise _Bad("thời điểm kết thúc xử lý trước thời điểm tiếp nhận", "finished_at")
    if returned and finished and returned < finished:
        raise _Bad("thời điểm trả kết quả trước thời điểm kết thúc xử lý", "returned_at")
    if due and due < received:
        raise _Bad("hạn giải quyết trước thời điểm tiếp nhận", "due_at")
    if completed and not requested:
        raise _Bad("có thời điểm hoàn thành bổ sung nhưng không có yêu cầu bổ sung",
                   "supplement_completed_at")  # fmt: skip
    if requested and requested < received:
        raise _Bad("yêu cầu bổ sung trước thời điểm tiếp nhận", "supplement_requested_at")
    if requested and completed and completed < requested:
        raise _Bad("hoàn thành bổ sung trước khi yêu cầu", "supplement_completed_at")
    if requested and supplements < 1:
        raise _Bad("có thời điểm yêu cầu bổ sung nhưng số lần yêu cầu bằng 0",
                   "supplement_requests")  # fmt: skip
    if status == 5 and (requested is None or completed is not None):
        raise _Bad("trạng thái 5 (chờ bổ sung) phải có thời điểm yêu cầu bổ sung và chưa hoàn "
                    "thành", "supplement_requested_at")  # fmt: skip
    if flags["paid_online"] and not flags["has_fee"]:
        raise _Bad(
            "hồ sơ thanh toán trực tuyến phải có phí, lệ phí (has_fee = true)", "paid_online"
        )
    if status in NOT_RECEIVED and supplements:
        raise _Bad("hồ sơ chưa được tiếp nhận không có yêu cầu bổ sung", "supplement_requests")

    version = ref.version(procedure_id, received)
    receiving, competent = ref.units_for(unit, version)
    values = {
        "channel": channel,
        "applicant_type": applicant_type,
        "received": received,
        "due": due,
        "finished": finished or (received if status == 3 else None),
        "returned": returned,
        "requested": requested,
        "completed": completed,
        "supplements": supplements,
        "return_method": return_method,
        "rating": rating,
        **flags,
    }
    return Parsed(line, code, version, receiving, competent, status, values)


# --- reading the file --------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise _Bad(f"thiếu cột: {', '.join(missing)}", "")
        for row in reader:
            yield reader.line_num, row


def validate(path: Path, ref: Reference, report: Report) -> set[str]:
    """Pass 1: every row checked; returns the codes of the file."""
    codes: dict[str, int] = {}
    try:
        for line, row in _rows(path):
            report.rows += 1
            try:
                parsed = parse_row(row, line, ref)
            except _Bad as bad:
                report.errors.append(RowError(line, bad.message, bad.column))
                continue
            if parsed.code in codes:
                report.errors.append(
                    RowError(line, f"trùng mã hồ sơ với dòng {codes[parsed.code]}", "code")
                )
                continue
            codes[parsed.code] = line
    except _Bad as bad:
        report.errors.append(RowError(1, bad.message, bad.column))
    except UnicodeDecodeError:
        report.errors.append(RowError(1, "tệp không phải UTF-8"))
    return set(codes)


def existing_codes(codes: set[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(codes)
    for i in range(0, len(items), 5000):
        found.update(
            Dossier.objects.filter(code__in=items[i : i + 5000]).values_list("code", flat=True)
        )
    return found


def import_file(
    path: str | Path,
    *,
    batch: int = 5000,
    fast: bool | None = None,
    source: str | None = None,
    progress=None,
) -> Report:
    """Validate, then import ``path``; raises ImportFailed (nothing written) on any bad row."""
    started = timezone.now()
    path = Path(path)
    report = Report(source or path.name)
    ref = Reference()
    codes = validate(path, ref, report)
    if report.errors:
        raise ImportFailed(report)
    skip = existing_codes(codes)
    report.skipped = len(skip)
    if fast is None:
        fast = connection.vendor == "postgresql"
    writer = _CopyWriter() if fast and connection.vendor == "postgresql" else _OrmWriter()
    now = timezone.now()
    with transaction.atomic():
        pending: list[Parsed] = []
        for line, row in _rows(path):
            parsed = parse_row(row, line, ref)
            if parsed.code in skip:
                continue
            pending.append(parsed)
            if len(pending) >= batch:
                report.imported += _write(pending, writer, report.source, now)
                pending = []
                if progress:
                    progress(report.imported)
        if pending:
            report.imported += _write(pending, writer, report.source, now)
        writer.finish()
    if report.imported and connection.vendor == "postgresql":
        _analyze()
    report.seconds = (timezone.now() - started).total_seconds()
    return report


# --- building and writing rows -----------------------------------------------------------------


def _dossier(p: Parsed) -> tuple[Dossier, dict]:
    v = p.values
    state = STATUS[p.status]
    received_at = None if p.status in NOT_RECEIVED else v["received"]
    cal = calendar_for(p.competent)
    original_due = v["due"]
    if received_at and original_due is None:
        value, unit = p.version.time_limit_value, p.version.time_limit_unit
        if v["channel"] == "online" and p.version.online_time_limit_value:
            value, unit = p.version.online_time_limit_value, p.version.online_time_limit_unit
        original_due = deadlines.due_for(received_at, value, unit, cal, p.version.same_day_cutoff)
    due = original_due
    if due and v["requested"] and v["completed"]:
        due = deadlines.shift_for_pause(due, v["requested"], v["completed"], cal)
    if not received_at:
        original_due = due = None
    ended = p.status in ENDED
    d = _positional(
        Dossier,
        code=p.code,
        version_id=p.version.pk,
        rule_set=rule_set_at(v["received"]).code,
        state=state,
        channel=v["channel"],
        applicant_type=v["applicant_type"],
        applicant_name="",
        applicant_id_number="",
        summary=p.version.name[:1000],
        return_method=v["return_method"],
        receiving_unit_id=p.receiving.pk,
        competent_unit_id=p.competent.pk,
        current_unit_id=(p.competent if p.status in OPEN - {1} else p.receiving).pk,
        receiving_path=p.receiving.path,
        competent_path=p.competent.path,
        current_path=(p.competent if p.status in OPEN - {1} else p.receiving).path,
        submitted_at=v["received"]
        if v["channel"] == "online" or p.status in NOT_RECEIVED
        else None,
        received_at=received_at,
        original_due_at=original_due,
        due_at=due,
        paused_at=v["requested"] if p.status == 5 else None,
        finished_at=v["finished"] if ended else None,
        returned_at=v["returned"],
        supplement_requests=v["supplements"],
        apologies=int(v["apology_issued"]),
        fee_total=p.version.fee_sum if v["has_fee"] else Decimal(0),
        paid_online=v["paid_online"],
        e_result=v["e_result"],
    )
    Dossier.version.field.set_cached_value(d, p.version)
    Dossier.competent_unit.field.set_cached_value(d, p.competent)
    data = {
        "source": None,
        "line": p.line,
        "has_fee": v["has_fee"],
        "digitized": v["digitized"],
        "reused_data": v["reused_data"],
        "vneid": v["vneid"],
        "rating": v["rating"],
        "supplement_requested_at": v["requested"].isoformat() if v["requested"] else None,
        "supplement_completed_at": v["completed"].isoformat() if v["completed"] else None,
    }
    return d, data


def _write(batch: list[Parsed], writer, source: str, now: datetime) -> int:
    dossiers, events, rows = [], [], []
    for p in batch:
        d, data = _dossier(p)
        data["source"] = source
        event = _positional(
            Event,
            seq=1,
            action="import",
            at=now,
            actor_name=ACTOR_NAME,
            unit_id=d.receiving_unit_id,
            from_state="",
            to_state=d.state,
            due_after=d.due_at,
            note=f"Nhập từ tệp {source}, dòng {data['line']}.",
            data=data,
        )
        fact = fact_rows.build(d, [event], fact_rows.Extras())
        d.verdict = _verdict(fact)
        dossiers.append(d)
        events.append(event)
        rows.append(fact)
    writer.write(dossiers, events, rows)
    return len(dossiers)


def _positional(model, **values):
    return fact_rows.bare(model, values)


def _analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL misjudges the
    partial indexes on the facts for hours (until autovacuum comes by)."""
    from .models import DossierFact, ProcedureTally, UnitTally

    with connection.cursor() as cursor:
        for model in (Dossier, Event, DossierFact, UnitTally, ProcedureTally):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _verdict(fact) -> str:
    if fact.fin_late:
        return Verdict.LATE
    if fact.fin_early:
        return Verdict.EARLY
    if fact.fin_on_time:
        return Verdict.ON_TIME
    return ""


def _link(dossiers, events, facts) -> None:
    for d, e, f in zip(dossiers, events, facts, strict=True):
        e.dossier_id = f.dossier_id = d.pk


class _OrmWriter:
    """Portable: bulk_create (PostgreSQL and SQLite both return the new ids); each batch's
    facts are added to the tallies at once."""

    def write(self, dossiers: list[Dossier], events: list[Event], facts: list) -> None:
        from .models import DossierFact

        Dossier.objects.bulk_create(dossiers, batch_size=1000)
        _link(dossiers, events, facts)
        Event.objects.bulk_create(events, batch_size=1000)
        DossierFact.objects.bulk_create(facts, batch_size=1000)
        tallies.add_sql(*tallies.id_filter([d.pk for d in dossiers]))

    def finish(self) -> None:
        pass


class _CopyWriter:
    """PostgreSQL ``COPY``: ids reserved from the sequences first, then rows streamed; the
    tallies are summed once at the end (every tally row upserted once, not once a batch)."""

    CHUNK = 250_000  # facts summed per statement

    def __init__(self) -> None:
        self.ids: list[int] = []

    def finish(self) -> None:
        for i in range(0, len(self.ids), self.CHUNK):
            tallies.add_sql(*tallies.id_filter(self.ids[i : i + self.CHUNK]))
        self.ids = []

    def write(self, dossiers: list[Dossier], events: list[Event], facts: list) -> None:
        from .models import DossierFact

        for model, objs in ((Dossier, dossiers), (Event, events)):
            for obj, pk in zip(objs, self._ids(model, len(objs)), strict=True):
                obj.pk = pk
        _link(dossiers, events, facts)
        for model, objs in ((Dossier, dossiers), (Event, events), (DossierFact, facts)):
            self._copy(model, objs)
        self.ids.extend(d.pk for d in dossiers)

    def _ids(self, model, n: int) -> list[int]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, n],
            )
            return [r[0] for r in cur.fetchall()]

    def _copy(self, model, objs: list) -> None:
        from django.db.models import JSONField
        from psycopg.types.json import Jsonb

        fields = list(model._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        now = timezone.now()
        # Plain attribute values: psycopg adapts dates, times, decimals and booleans itself.
        getters = []
        for f in fields:
            if isinstance(f, JSONField):
                getters.append(lambda obj, a=f.attname: Jsonb(getattr(obj, a)))
            elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                getters.append(lambda obj: now)
            else:
                getters.append(lambda obj, a=f.attname: getattr(obj, a))
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for obj in objs:
                copy.write_row([get(obj) for get in getters])


def csv_header() -> str:
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS)
    return out.getvalue()
