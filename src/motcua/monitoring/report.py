"""The periodic one-stop report (báo cáo tình hình, kết quả giải quyết TTHC) as provinces
publish it each quarter and year: the unit's figures and one table row per unit below it,
each beside the previous period, plus the 766 index; as JSON, Excel (openpyxl) and PDF.
"""

import io
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.agencies.models import Unit
from motcua.workdays.calendar import local

from . import index, statistics
from .periods import Period

FORMATS = ("json", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

# The table of a provincial report: (key, header, group header)
UNIT_COLUMNS = [
    ("to_process", "Tổng số", "Số hồ sơ phải giải quyết"),
    ("carried_over", "Kỳ trước chuyển qua", "Số hồ sơ phải giải quyết"),
    ("received", "Tổng số", "Tiếp nhận trong kỳ"),
    ("received_online", "Trực tuyến", "Tiếp nhận trong kỳ"),
    ("received_direct", "Trực tiếp", "Tiếp nhận trong kỳ"),
    ("received_postal", "Bưu chính", "Tiếp nhận trong kỳ"),
    ("resolved", "Tổng số", "Đã giải quyết"),
    ("resolved_early", "Trước hạn", "Đã giải quyết"),
    ("resolved_on_time", "Đúng hạn", "Đã giải quyết"),
    ("resolved_late", "Quá hạn", "Đã giải quyết"),
    ("in_progress", "Tổng số", "Đang giải quyết"),
    ("in_progress_on_time", "Trong hạn", "Đang giải quyết"),
    ("in_progress_late", "Quá hạn", "Đang giải quyết"),
    ("withdrawn", "Rút hồ sơ", "Khác"),
    ("refused", "Từ chối", "Khác"),
    ("returned", "Đã trả kết quả", "Khác"),
    ("resolved_on_time_rate", "Tỷ lệ đúng hạn (%)", "Kỳ này"),
]
SUMMARY_KEYS = [
    "to_process", "carried_over", "received", "received_online", "received_online_full",
    "received_online_partial", "received_direct", "received_postal", "resolved",
    "resolved_early", "resolved_on_time", "resolved_late", "resolved_on_time_rate",
    "in_progress", "in_progress_on_time", "in_progress_late", "returned", "refused",
    "withdrawn", "stopped", "supplemented", "supplement_requests", "apologized",
    "digitized_rate", "e_result_rate", "online_rate", "paid_online_rate", "rated", "liked",
    "disliked", "rating_average", "average_days",
]  # fmt: skip


def build(unit: Unit, period: Period, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    previous = period.previous()
    current = statistics.statistics(unit, period, now=now)
    before = statistics.statistics(unit, previous, now=now)
    idx = index.compute(unit, period, now=now)
    idx_before = index.compute(unit, previous, now=now)
    rows = statistics.breakdown(unit, period, "unit", now=now)
    rows_before = {r["key"]: r for r in statistics.breakdown(unit, previous, "unit", now=now)}
    for row in rows:
        old = rows_before.get(row["key"], {})
        row["previous_received"] = old.get("received")
        row["previous_on_time_rate"] = old.get("resolved_on_time_rate")
    summary = [
        {
            "key": key,
            "label": statistics.LABELS.get(key, key),
            "current": current["figures"].get(key),
            "previous": before["figures"].get(key),
            "change": _change(current["figures"].get(key), before["figures"].get(key)),
        }
        for key in SUMMARY_KEYS
    ]
    return {
        "title": "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "subtitle": f"{period.label} — {unit.name}",
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "period": _period(period),
        "previous_period": _period(previous),
        "generated_at": local(now).isoformat(),
        "empty": current["empty"],
        "message": current["message"],
        "summary": summary,
        "figures": current["figures"],
        "previous_figures": before["figures"],
        "online_coverage": current["online_coverage"],
        "units": rows,
        "fields": statistics.breakdown(unit, period, "field", now=now),
        "late_procedures": statistics.worst_procedures(unit, period),
        "index": idx.as_dict(),
        "previous_index_total": idx_before.total,
    }


def _period(p: Period) -> dict:
    return {"from": p.first.isoformat(), "to": p.last.isoformat(), "label": p.label}


def _change(current, previous):
    if current is None or previous is None:
        return None
    return round(current - previous, 2)


def render(data: dict, fmt: str) -> bytes:
    if fmt == "json":
        import json

        return json.dumps(data, ensure_ascii=False, indent=2, default=_json).encode()
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "pdf":
        return to_pdf(data)
    raise ValueError(fmt)


def _json(value):
    if isinstance(value, Unit):
        return value.code
    return str(value)


def filename(data: dict, fmt: str) -> str:
    return f"bao-cao-{data['unit']['code']}-{data['period']['from']}-{data['period']['to']}.{fmt}"


# --- Excel --------------------------------------------------------------------------------------


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True, name="Times New Roman")
    normal = Font(name="Times New Roman")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws["A1"], ws["A2"] = data["title"], data["subtitle"]
    ws["A1"].font = Font(bold=True, size=13, name="Times New Roman")
    ws["A2"].font = bold
    ws["A3"] = (
        f"Kỳ trước: {data['previous_period']['label']}. Số liệu tính đến "
        f"{data['generated_at'][:16].replace('T', ' ')}."
    )
    if data["message"]:
        ws["A4"] = data["message"]
    header = ["Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng (+) / giảm (−)"]
    for col, text in enumerate(header, start=1):
        cell = ws.cell(row=6, column=col, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = bold, head_fill, center, box
    for i, item in enumerate(data["summary"], start=7):
        values = [item["label"], item["current"], item["previous"], item["change"]]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=col, value=value)
            cell.font, cell.border = normal, box
    ws.column_dimensions["A"].width = 48
    for col in "BCD":
        ws.column_dimensions[col].width = 16

    units = wb.create_sheet("Theo đơn vị")
    units["A1"] = f"Kết quả giải quyết TTHC theo đơn vị — {data['period']['label']}"
    units["A1"].font = bold
    groups = ["STT", "Đơn vị"] + [c[2] for c in UNIT_COLUMNS] + ["Kỳ trước", "Kỳ trước"]
    heads = ["", ""] + [c[1] for c in UNIT_COLUMNS] + ["Tiếp nhận", "Tỷ lệ đúng hạn (%)"]
    for col, (g, h) in enumerate(zip(groups, heads, strict=True), start=1):
        for row, text in ((3, g), (4, h)):
            cell = units.cell(row=row, column=col, value=text)
            cell.font, cell.fill, cell.alignment, cell.border = bold, head_fill, center, box
    for i, row in enumerate(data["units"], start=1):
        values = [i, row["name"]] + [row.get(c[0]) for c in UNIT_COLUMNS]
        values += [row.get("previous_received"), row.get("previous_on_time_rate")]
        for col, value in enumerate(values, start=1):
            cell = units.cell(row=4 + i, column=col, value=value)
            cell.font, cell.border = normal, box
    units.column_dimensions["B"].width = 44
    for col in range(3, len(groups) + 1):
        units.column_dimensions[get_column_letter(col)].width = 12
    if data["units"]:
        chart = BarChart()
        chart.title = "Hồ sơ tiếp nhận và đã giải quyết theo đơn vị"
        chart.y_axis.title = "Hồ sơ"
        last = 4 + len(data["units"])
        keys = [c[0] for c in UNIT_COLUMNS]
        for key, label in (("received", "Tiếp nhận"), ("resolved", "Đã giải quyết")):
            col = 3 + keys.index(key)
            chart.add_data(Reference(units, min_col=col, min_row=5, max_row=last))
            chart.series[-1].tx = SeriesLabel(v=label)
        chart.set_categories(Reference(units, min_col=2, min_row=5, max_row=last))
        units.add_chart(chart, f"B{last + 3}")

    fields = wb.create_sheet("Theo lĩnh vực")
    _table(fields, "Kết quả theo lĩnh vực", data["fields"], bold, normal, head_fill, center, box)

    idx = wb.create_sheet("Chỉ số 766")
    idx["A1"] = (
        f"Bộ chỉ số 766 — {data['period']['label']}: {data['index']['total']}/100 điểm "
        f"(kỳ trước {data['previous_index_total']}); công thức {data['index']['formula_version']}"
    )
    idx["A1"].font = bold
    head = [
        "Mã",
        "Chỉ số",
        "Tử số",
        "Mẫu số",
        "Tỷ lệ (%)",
        "Điểm",
        "Tối đa",
        "Công thức",
        "Ghi chú",
    ]
    for col, text in enumerate(head, start=1):
        cell = idx.cell(row=3, column=col, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = bold, head_fill, center, box
    r = 4
    for g in data["index"]["groups"]:
        for col, value in enumerate([g["id"], g["name"], None, None, None, g["score"], g["max"]],
                                    start=1):  # fmt: skip
            cell = idx.cell(row=r, column=col, value=value)
            cell.font, cell.border = bold, box
        r += 1
        for i in g["indicators"]:
            values = [i["id"], i["name"], i["numerator"], i["denominator"], i["percent"],
                      i["score"], i["max"], i["formula"], i["note"]]  # fmt: skip
            for col, value in enumerate(values, start=1):
                cell = idx.cell(row=r, column=col, value=value)
                cell.font, cell.border = normal, box
            r += 1
    idx.column_dimensions["B"].width = 60
    idx.column_dimensions["H"].width = 28
    idx.column_dimensions["I"].width = 60

    late = wb.create_sheet("TTHC quá hạn nhiều")
    _table(late, "Thủ tục có nhiều hồ sơ giải quyết quá hạn", data["late_procedures"], bold,
           normal, head_fill, center, box,
           columns=[("code", "Mã TTHC"), ("name", "Tên thủ tục"), ("resolved", "Đã giải quyết"),
                    ("late", "Quá hạn"), ("late_rate", "Tỷ lệ quá hạn (%)")])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table(ws, title, rows, bold, normal, fill, center, box, columns=None):
    columns = columns or [
        ("key", "Mã"), ("name", "Tên"), ("received", "Tiếp nhận"), ("resolved", "Đã giải quyết"),
        ("resolved_early", "Trước hạn"), ("resolved_on_time", "Đúng hạn"),
        ("resolved_late", "Quá hạn"), ("in_progress", "Đang giải quyết"),
        ("in_progress_late", "Đang giải quyết quá hạn"),
        ("resolved_on_time_rate", "Tỷ lệ đúng hạn (%)"),
    ]  # fmt: skip
    ws["A1"] = title
    ws["A1"].font = bold
    for col, (_, text) in enumerate(columns, start=1):
        cell = ws.cell(row=3, column=col, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = bold, fill, center, box
    for i, row in enumerate(rows, start=4):
        for col, (key, _) in enumerate(columns, start=1):
            cell = ws.cell(row=i, column=col, value=row.get(key))
            cell.font, cell.border = normal, box
    ws.column_dimensions["B"].width = 60


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(data: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "monitoring/report_pdf.html",
        {"r": with_cells(data), "columns": UNIT_COLUMNS, "groups": _column_groups()},
    )
    return HTML(string=html).write_pdf()


def with_cells(data: dict) -> dict:
    """The report with each unit row's cells in column order (for the HTML and PDF tables)."""
    units = [{**u, "cells": [u.get(c[0]) for c in UNIT_COLUMNS]} for u in data["units"]]
    return {**data, "units": units}


def _column_groups() -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for _, _, group in UNIT_COLUMNS:
        if out and out[-1][0] == group:
            out[-1] = (group, out[-1][1] + 1)
        else:
            out.append((group, 1))
    return out
