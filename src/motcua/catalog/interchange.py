"""Import and export of the catalog as JSON or CSV (format: docs/catalog-format.md).

An import is all or nothing: every procedure is built and checked with the same rules as
publication, every problem is collected with its place in the file, and if there is any the
whole import is rolled back and the problems are reported together. Importing the same file
again changes nothing: a procedure whose published content is identical is left alone.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from motcua.agencies.models import Unit

from . import services
from .models import (
    ChangeType,
    DecisionLevel,
    Fee,
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    RequiredDocument,
    SubjectType,
    TimeUnit,
)

SCALARS = [
    "code",
    "name",
    "field",
    "levels",
    "implementing_units",
    "description",
    "procedure_steps",
    "methods",
    "conditions",
    "subject_types",
    "time_limit",
    "online_time_limit",
    "same_day_cutoff",
    "online_level",
    "full_online_eligible",
    "requires_written_result",
    "result_name",
    "legal_basis",
    "legal_basis_effective_date",
    "decision",
    "change_type",
]
LIST_COLUMNS = {"levels", "implementing_units", "subject_types"}
PARTS = {
    "documents": ["name", "originals", "copies", "optional", "reusable", "note"],
    "fees": ["kind", "name", "amount", "note"],
    "steps": ["name", "role", "unit", "hours"],
}


@dataclass
class ImportReport:
    created: int = 0
    amended: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class CatalogImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Rollback(Exception):
    pass


# --- reading ------------------------------------------------------------------------------


def read_file(path: str) -> dict:
    """Read a catalog file; CSV rows are numbered by the line where they start."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    if path.lower().endswith(".csv"):
        return {"procedures": from_csv(text)}
    return json.loads(text)


def from_csv(text: str) -> list[dict]:
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    next_line = 2  # the header is line 1; a row may span lines (multi-line cells)
    for row in reader:
        item: dict = {"_line": next_line}
        next_line = reader.line_num + 1
        for key, value in row.items():
            value = (value or "").strip()
            if key in LIST_COLUMNS:
                item[key] = [v.strip() for v in value.split(";") if v.strip()]
            elif key in PARTS:
                item[key] = [
                    dict(zip(PARTS[key], [p.strip() for p in line.split("|")], strict=False))
                    for line in value.splitlines()
                    if line.strip()
                ]
            elif key in ("time_limit", "online_time_limit"):
                item[key] = _parse_limit(value)
            else:
                item[key] = value
        rows.append(item)
    return rows


def _parse_limit(text: str) -> dict | None:
    if not text:
        return None
    value, _, unit = text.partition(" ")
    return {"value": value, "unit": unit.strip()}


# --- importing ----------------------------------------------------------------------------


def import_catalog(data: dict) -> ImportReport:
    """Import fields, decisions and procedures; raise ``CatalogImportError`` on any bad item."""
    report = ImportReport()
    try:
        with transaction.atomic():
            for f in data.get("fields", []):
                Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})
            decisions = _import_decisions(data.get("decisions", []), report)
            for index, item in enumerate(data.get("procedures", []), start=1):
                where = _where(item, index)
                try:
                    with transaction.atomic():
                        _import_procedure(item, decisions, report)
                except CatalogImportError as exc:
                    report.errors.extend(f"{where}: {e}" for e in exc.errors)
            if report.errors:
                raise _Rollback
    except _Rollback:
        raise CatalogImportError(report.errors) from None
    return report


def _where(item: dict, index: int) -> str:
    code = item.get("code") or "?"
    if "_line" in item:
        return f"Dòng {item['_line']} ({code})"
    return f"Thủ tục thứ {index} ({code})"


def _import_decisions(items: list[dict], report: ImportReport) -> dict[str, PublicationDecision]:
    found = {}
    for i, d in enumerate(items, start=1):
        try:
            issuer = Unit.objects.filter(code=d.get("issuer")).first()
            decision, _ = PublicationDecision.objects.update_or_create(
                number=d["number"],
                defaults={
                    "title": d.get("title", ""),
                    "date": date.fromisoformat(d["date"]),
                    "level": d.get("level", DecisionLevel.PROVINCE),
                    "issuer": issuer,
                    "published_on": _date(d.get("published_on")),
                },
            )
            found[decision.number] = decision
        except (KeyError, ValueError) as exc:
            report.errors.append(f"Quyết định thứ {i}: thiếu hoặc sai trường ({exc}).")
    return found


def _import_procedure(item: dict, decisions: dict, report: ImportReport) -> None:
    errors: list[str] = []
    values = _version_values(item, errors)
    decision = (
        decisions.get(item.get("decision", ""))
        or PublicationDecision.objects.filter(number=item.get("decision", "")).first()
    )
    if decision is None:
        errors.append(f"decision: không có quyết định công bố số «{item.get('decision', '')}».")
    units = list(Unit.objects.filter(code__in=item.get("implementing_units", [])))
    missing = set(item.get("implementing_units", [])) - {u.code for u in units}
    if missing:
        errors.append(f"implementing_units: không có đơn vị mã {', '.join(sorted(missing))}.")
    if errors:
        raise CatalogImportError(errors)

    procedure, _ = Procedure.objects.get_or_create(code=values.pop("code"))
    if procedure.current_version and _same(procedure.current_version, item):
        report.unchanged += 1
        return
    amending = procedure.current_version_id is not None
    procedure.versions.filter(status="DRAFT").delete()
    version = ProcedureVersion.objects.create(procedure=procedure, **values)
    version.implementing_units.set(units)
    _create_parts(version, item, errors)
    if errors:
        raise CatalogImportError(errors)
    if problems := services.check_version(version):
        raise CatalogImportError([f"{e.field}: {e.message}" for e in problems])
    services.publish(version, decision)
    if amending:
        report.amended += 1
    else:
        report.created += 1


def _version_values(item: dict, errors: list[str]) -> dict:
    def choice(key, choices, default=None):
        value = item.get(key) or default
        if value not in choices.values:
            errors.append(f"{key}: giá trị «{value}» không hợp lệ ({', '.join(choices.values)}).")
        return value

    code = str(item.get("code", "")).strip()
    if not code:
        errors.append("code: thiếu mã thủ tục.")
    field = Field.objects.filter(code=item.get("field")).first()
    if field is None:
        errors.append(f"field: không có lĩnh vực mã «{item.get('field')}».")
    limit = item.get("time_limit") or {}
    online = item.get("online_time_limit") or {}
    for s in item.get("subject_types", []):
        if s not in SubjectType.values:
            errors.append(f"subject_types: đối tượng «{s}» không hợp lệ.")
    return {
        "code": code,
        "name": str(item.get("name", "")).strip(),
        "field": field,
        "levels": list(item.get("levels", [])),
        "description": item.get("description", ""),
        "procedure_steps": item.get("procedure_steps", ""),
        "methods": item.get("methods", ""),
        "conditions": item.get("conditions", ""),
        "subject_types": list(item.get("subject_types", [])),
        "time_limit_value": _decimal(limit.get("value"), "time_limit", errors),
        "time_limit_unit": choice_value(limit.get("unit"), TimeUnit, "time_limit", errors),
        "online_time_limit_value": _decimal(online.get("value"), "online_time_limit", errors)
        if online
        else None,
        "online_time_limit_unit": choice_value(
            online.get("unit"), TimeUnit, "online_time_limit", errors
        )
        if online
        else "",
        "same_day_cutoff": item.get("same_day_cutoff") or "15:00",
        "online_level": choice("online_level", OnlineLevel, OnlineLevel.NONE),
        "full_online_eligible": _bool(item.get("full_online_eligible")),
        "requires_written_result": _bool(item.get("requires_written_result", True)),
        "result_name": item.get("result_name", ""),
        "legal_basis": item.get("legal_basis", ""),
        "legal_basis_effective_date": _date(item.get("legal_basis_effective_date")),
        "change_type": choice("change_type", ChangeType, ChangeType.NEW),
    }


def choice_value(value, choices, key: str, errors: list[str]):
    if value not in choices.values:
        errors.append(f"{key}: đơn vị «{value}» không hợp lệ ({', '.join(choices.values)}).")
    return value


def _create_parts(version: ProcedureVersion, item: dict, errors: list[str]) -> None:
    for order, d in enumerate(item.get("documents", []), start=1):
        RequiredDocument.objects.create(
            version=version,
            order=order,
            name=d.get("name", ""),
            originals=int(d.get("originals") or 0),
            copies=int(d.get("copies") or 0),
            optional=_bool(d.get("optional")),
            reusable=_bool(d.get("reusable")),
            note=d.get("note", ""),
        )
    for f in item.get("fees", []):
        kind = choice_value(f.get("kind"), FeeKind, "fees.kind", errors)
        amount = _decimal(f.get("amount", 0), "fees.amount", errors)
        if not errors:
            Fee.objects.create(
                version=version,
                kind=kind,
                name=f.get("name", ""),
                amount=amount,
                note=f.get("note", ""),
            )
    for order, s in enumerate(item.get("steps", []), start=1):
        hours = _decimal(s.get("hours"), f"steps[{order}].hours", errors)
        if s.get("role") not in ("RECEIVER", "SPECIALIST", "HEAD"):
            errors.append(f"steps[{order}].role: vai trò «{s.get('role')}» không hợp lệ.")
        if hours is not None and hours <= 0:
            errors.append(f"steps[{order}].hours: thời gian phải lớn hơn 0.")
        if not errors:
            ProcessStep.objects.create(
                version=version,
                order=order,
                name=s.get("name", ""),
                role=s["role"],
                unit_ref=s.get("unit") or "@competent",
                hours=hours,
            )


def _decimal(value, key: str, errors: list[str]) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, TypeError):
        errors.append(f"{key}: «{value}» không phải là số.")
        return None


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "có", "co", "x", "yes"}
    return bool(value)


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _same(version: ProcedureVersion, item: dict) -> bool:
    """Whether ``item`` says exactly what ``version`` already says."""
    mine = export_version(version)
    theirs = {k: item.get(k) for k in mine}
    return json.dumps(mine, sort_keys=True, default=str) == json.dumps(
        _normalise(theirs), sort_keys=True, default=str
    )


def _normalise(item: dict) -> dict:
    errors: list[str] = []
    out = dict(item)
    for key in ("time_limit", "online_time_limit"):
        if out.get(key):
            out[key] = {"value": _num(out[key]["value"]), "unit": out[key]["unit"]}
    out["same_day_cutoff"] = (out.get("same_day_cutoff") or "15:00")[:5]
    out["full_online_eligible"] = _bool(out.get("full_online_eligible"))
    out["requires_written_result"] = _bool(
        True if out.get("requires_written_result") is None else out["requires_written_result"]
    )
    out["change_type"] = out.get("change_type") or ChangeType.NEW
    out["implementing_units"] = sorted(out.get("implementing_units") or [])
    out["documents"] = [
        {
            "name": d.get("name", ""),
            "originals": int(d.get("originals") or 0),
            "copies": int(d.get("copies") or 0),
            "optional": _bool(d.get("optional")),
            "reusable": _bool(d.get("reusable")),
            "note": d.get("note", ""),
        }
        for d in out.get("documents") or []
    ]
    out["fees"] = [
        {
            "kind": f.get("kind"),
            "name": f.get("name", ""),
            "amount": _num(_decimal(f.get("amount", 0), "", errors)),
            "note": f.get("note", ""),
        }
        for f in out.get("fees") or []
    ]
    out["steps"] = [
        {
            "name": s.get("name", ""),
            "role": s.get("role"),
            "unit": s.get("unit") or "@competent",
            "hours": _num(_decimal(s.get("hours"), "", errors)),
        }
        for s in out.get("steps") or []
    ]
    for key in ("levels", "subject_types"):
        out[key] = list(out.get(key) or [])
    for key in (
        "description",
        "procedure_steps",
        "methods",
        "conditions",
        "result_name",
        "legal_basis",
        "legal_basis_effective_date",
    ):
        out[key] = out.get(key) or ""
    return out


# --- exporting ----------------------------------------------------------------------------


def _num(value) -> int | float | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


def export_version(v: ProcedureVersion) -> dict:
    limit = {"value": _num(v.time_limit_value), "unit": v.time_limit_unit}
    online = (
        {"value": _num(v.online_time_limit_value), "unit": v.online_time_limit_unit}
        if v.online_time_limit_value is not None
        else None
    )
    return {
        "code": v.procedure.code,
        "name": v.name,
        "field": v.field.code,
        "levels": list(v.levels),
        "implementing_units": sorted(u.code for u in v.implementing_units.all()),
        "description": v.description,
        "procedure_steps": v.procedure_steps,
        "methods": v.methods,
        "conditions": v.conditions,
        "subject_types": list(v.subject_types),
        "time_limit": limit,
        "online_time_limit": online,
        "same_day_cutoff": str(v.same_day_cutoff)[:5],
        "online_level": v.online_level,
        "full_online_eligible": v.full_online_eligible,
        "requires_written_result": v.requires_written_result,
        "result_name": v.result_name,
        "legal_basis": v.legal_basis,
        "legal_basis_effective_date": v.legal_basis_effective_date.isoformat()
        if v.legal_basis_effective_date
        else "",
        "decision": v.decision.number if v.decision_id else "",
        "change_type": v.change_type,
        "documents": [
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "optional": d.optional,
                "reusable": d.reusable,
                "note": d.note,
            }
            for d in v.documents.all()
        ],
        "fees": [
            {"kind": f.kind, "name": f.name, "amount": _num(f.amount), "note": f.note}
            for f in v.fees.all()
        ],
        "steps": [
            {"name": s.name, "role": s.role, "unit": s.unit_ref, "hours": _num(s.hours)}
            for s in v.steps.all()
        ],
    }


def export_catalog() -> dict:
    versions = (
        ProcedureVersion.objects.filter(status="PUBLISHED")
        .select_related("procedure", "field", "decision")
        .prefetch_related("implementing_units", "documents", "fees", "steps")
        .order_by("procedure__code")
    )
    decisions = PublicationDecision.objects.filter(versions__in=versions).distinct()
    return {
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "decisions": [
            {
                "number": d.number,
                "title": d.title,
                "date": d.date.isoformat(),
                "level": d.level,
                "issuer": d.issuer.code if d.issuer_id else None,
                "published_on": d.published_on.isoformat() if d.published_on else None,
            }
            for d in decisions
        ],
        "procedures": [export_version(v) for v in versions],
    }


def to_csv(procedures: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*SCALARS, *PARTS], lineterminator="\n")
    writer.writeheader()
    for p in procedures:
        row = {}
        for key in SCALARS:
            value = p.get(key)
            if key in LIST_COLUMNS:
                value = ";".join(value or [])
            elif key in ("time_limit", "online_time_limit"):
                value = f"{value['value']} {value['unit']}" if value else ""
            row[key] = "" if value is None else value
        for key, names in PARTS.items():
            row[key] = "\n".join(
                " | ".join(str(item.get(n, "")) for n in names) for item in p.get(key, [])
            )
        writer.writerow(row)
    return out.getvalue()
